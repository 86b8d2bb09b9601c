#include "base/json_writer.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using podsmith::JsonWriter;

TEST_CASE("JsonWriter writes what nlohmann::json's dump writes, indented and compact") {
  const std::string tricky = "Tom & \"Jerry\" \\ <b>\n\t\r\b\f\x01\x1f\x7f Zoë 東京 😀 /";
  nlohmann::ordered_json j;
  j["path"] = tricky;
  j["empty_object"] = nlohmann::ordered_json::object();
  j["empty_array"] = nlohmann::ordered_json::array();
  j["numbers"] = {0, -1, 3725500, int64_t{9007199254740993}};
  j["flags"] = {true, false};
  j["nested"] = {{"a", {{"b", "c"}}}, {"list", {nlohmann::ordered_json::object(), {{"x", 1}}}}};

  for (const int indent : {2, 0}) {
    CAPTURE(indent);
    std::string out;
    JsonWriter w(&out, indent);
    w.begin_object();
    w.key("path").value(tricky);
    w.key("empty_object").begin_object().end_object();
    w.key("empty_array").begin_array().end_array();
    w.key("numbers").begin_array().value(0).value(-1).value(int64_t{3725500}).value(int64_t{9007199254740993}).end_array();
    w.key("flags").begin_array().value(true).value(false).end_array();
    w.key("nested").begin_object();
    w.key("a").begin_object().key("b").value("c").end_object();
    w.key("list").begin_array().begin_object().end_object().begin_object().key("x").value(1).end_object().end_array();
    w.end_object();
    w.end_object();
    CHECK(out == (indent ? j.dump(indent) : j.dump()));
  }
}

TEST_CASE("JsonWriter writes raw JSON where it is given") {
  std::string out;
  JsonWriter w(&out);
  w.begin_array().raw("{\"a\":1}").value("b").end_array();
  CHECK(out == "[{\"a\":1},\"b\"]");
}
