// Message types built from descriptor protos, for shapes our generated code never has (proto2 groups,
// closed enums, zero values on a prototype): the build plugins' tests decode and create them with an
// edited and an unedited copy of protobuf-es.
import { create, createFileRegistry, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { FieldDescriptorProto_Label as Label, FieldDescriptorProto_Type as Type, FileDescriptorProtoSchema, type DescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

/** The message `t.<typeName>` of a one-file proto2 package `t` named `fileName`, holding `parts`. */
export function proto2Message(fileName: string, typeName: string, parts: Pick<MessageInitShape<typeof FileDescriptorProtoSchema>, "messageType" | "enumType">): DescMessage {
  const file = create(FileDescriptorProtoSchema, { name: fileName, package: "t", syntax: "proto2", ...parts });
  return createFileRegistry(file, () => undefined).getMessage(`t.${typeName}`)!;
}

/** A nested map entry type named `name`, string keys to int32 values, as protoc writes one for `map<string, int32>`. */
export function stringToInt32Entry(name: string): MessageInitShape<typeof DescriptorProtoSchema> {
  return {
    name,
    options: { mapEntry: true },
    field: [
      { name: "key", number: 1, label: Label.OPTIONAL, type: Type.STRING },
      { name: "value", number: 2, label: Label.OPTIONAL, type: Type.INT32 },
    ],
  };
}
