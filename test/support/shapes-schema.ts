// A schema with the kinds of field the Clarifai messages lack (a map, a 64-bit signed integer, a
// fixed-width field), for the shape check's tests: validateListParams takes any request schema.
import { create, createFileRegistry, type DescMessage } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
  file_google_protobuf_struct,
} from "@bufbuild/protobuf/wkt";

type FieldInit = { name: string; number: number; type: Type; label: Label; typeName?: string };
const scalar = (name: string, number: number, type: Type): FieldInit => ({ name, number, type, label: Label.OPTIONAL });
const typed = (name: string, number: number, typeName: string, label = Label.OPTIONAL, type = Type.MESSAGE): FieldInit => ({ name, number, type, label, typeName });
// `map<string, V> name = number;` is a repeated entry message of a key and a value.
const map = (name: string, number: number, entry: string, value: FieldInit) => ({
  field: typed(name, number, `.fixture.Shapes.${entry}`, Label.REPEATED),
  entry: { name: entry, field: [scalar("key", 1, Type.STRING), { ...value, name: "value", number: 2 }], options: { mapEntry: true } },
});
const maps = [
  map("counts", 20, "CountsEntry", scalar("value", 2, Type.INT32)),
  map("kinds", 21, "KindsEntry", typed("value", 2, ".fixture.Kind", Label.OPTIONAL, Type.ENUM)),
  map("children", 22, "ChildrenEntry", typed("value", 2, ".fixture.Shapes")),
];
const fixtureFile = {
  name: "fixture/shapes.proto",
  package: "fixture",
  syntax: "proto3",
  dependency: ["google/protobuf/struct.proto"],
  enumType: [{ name: "Kind", value: ["KIND_UNSPECIFIED", "KIND_ROUND", "KIND_SQUARE"].map((name, number) => ({ name, number })) }],
  messageType: [
    {
      name: "Shapes",
      field: [
        ...(["int32", "sint32", "sfixed32", "uint32", "fixed32", "int64", "sint64", "sfixed64", "uint64", "fixed64", "double", "float", "bool", "string", "bytes"] as const).map(
          (name, i) => scalar(name, i + 1, Type[name.toUpperCase() as Uppercase<typeof name>]),
        ),
        ...maps.map((m) => m.field),
        typed("kind_list", 30, ".fixture.Kind", Label.REPEATED, Type.ENUM),
        typed("value", 31, ".google.protobuf.Value"),
        typed("list", 32, ".google.protobuf.ListValue"),
        typed("struct", 33, ".google.protobuf.Struct"),
      ],
      nestedType: maps.map((m) => m.entry),
    },
  ],
};
/**
 * `fixture.Shapes`: one field per scalar type (named after it), maps of int32, enum and message values
 * (`counts`, `kinds`, `children`), a list of enums (`kindList`), a Value, a ListValue and a Struct
 * (`struct`, which protobuf-es holds as a plain JSON object).
 */
export const ShapesSchema: DescMessage = createFileRegistry(
  create(FileDescriptorProtoSchema, fixtureFile),
  (name) => (name === "google/protobuf/struct.proto" ? file_google_protobuf_struct : undefined),
).getMessage("fixture.Shapes")!;
