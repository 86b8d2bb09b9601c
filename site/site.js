// podsmith's default theme: what this script adds, the page does without it
// (links still go somewhere, the feed URL can be copied by hand).
(function () {
  'use strict';
  var player = document.querySelector('audio, video');

  function seek(seconds) {
    if (!player || isNaN(seconds)) return;
    if (player.preload === 'none') player.preload = 'metadata';
    player.currentTime = seconds;
    var started = player.play();
    if (started && started.catch) started.catch(function () {});
  }

  // Chapter and transcript times: <a href="#t=83.5" data-start="83.5">.
  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a[data-start]') : null;
    if (!link || !player) return;
    event.preventDefault();
    seek(parseFloat(link.getAttribute('data-start')));
  });
  var at = /^#t=([0-9.]+)$/.exec(location.hash);
  if (at && player) {
    player.preload = 'metadata';
    player.currentTime = parseFloat(at[1]);
  }

  // The subscribe page's copy button.
  var button = document.querySelector('button[data-copy]');
  if (button && navigator.clipboard) {
    var input = document.getElementById(button.getAttribute('data-copy'));
    var status = button.parentNode.querySelector('.status');
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(input.value).then(function () {
        if (status) status.textContent = 'Copied';
      }, function () {
        input.select();
      });
    });
  }
})();
