// Our generated files as editable descriptor protos, and back: the wire tests change a copy of a
// descriptor (a field number, an HTTP rule…) and check that the comparison with upstream reports it.
import { clone, create, createFileRegistry, type DescFile } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { file_clarifai_api_resources } from "../../gen/clarifai/api/resources_pb.js";
import { file_clarifai_api_service } from "../../gen/clarifai/api/service_pb.js";
import { file_clarifai_api_status_status } from "../../gen/clarifai/api/status/status_pb.js";
import { file_clarifai_api_status_status_code } from "../../gen/clarifai/api/status/status_code_pb.js";

/** The four files of our subset. */
export const ourFiles: DescFile[] = [
  file_clarifai_api_status_status_code,
  file_clarifai_api_status_status,
  file_clarifai_api_resources,
  file_clarifai_api_service,
];

/** Our files plus everything they import, dependencies first, as FileDescriptorProtos. */
export function descriptorProtos(): FileDescriptorProto[] {
  const seen = new Map<string, FileDescriptorProto>();
  const visit = (f: DescFile) => {
    if (seen.has(f.proto.name)) return;
    f.dependencies.forEach(visit);
    seen.set(f.proto.name, clone(FileDescriptorProtoSchema, f.proto));
  };
  ourFiles.forEach(visit);
  return [...seen.values()];
}

/** Builds a registry from (possibly edited) descriptor protos and returns our four files from it. */
export function filesFrom(protos: FileDescriptorProto[]): DescFile[] {
  const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: protos }));
  return ourFiles.map((f) => {
    const file = registry.getFile(f.proto.name);
    if (!file) throw new Error(`${f.proto.name} missing from the edited registry`);
    return file;
  });
}

/** The descriptor proto named `name` among `protos`. */
export function findProto(protos: FileDescriptorProto[], name: string): FileDescriptorProto {
  const p = protos.find((f) => f.name === name);
  if (!p) throw new Error(`no ${name}`);
  return p;
}
