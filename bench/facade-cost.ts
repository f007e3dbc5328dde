// `npm run bench:facade`: the CPU the facade itself spends on one PostTasks before anything is sent
// (building the message, validating it, rewriting deprecated fields), next to encoding the request,
// for the docs' consensus task (which carries the deprecated approval_threshold) and the same task
// written with current fields only. In-process micro-benchmark; it never fails on a number.
import { create, toBinary } from "@bufbuild/protobuf";
import { PostTasksRequestSchema } from "../gen/clarifai/api/service_pb.js";
import { TaskSchema, type Task } from "../gen/clarifai/api/resources_pb.js";
import { normalizeTask, validateTasks } from "../src/validation/index.js";
import { consensusTask } from "./workloads.js";

const ITERATIONS = 20_000;
const WARM_UP = 2_000;

/** Median over 5 rounds of the mean µs per call of `fn`. */
function microseconds(fn: () => unknown): number {
  for (let i = 0; i < WARM_UP; i++) fn();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < ITERATIONS; i++) fn();
    rounds.push(((performance.now() - start) * 1000) / ITERATIONS);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

const docs = consensusTask();
const current = normalizeTask(docs);
const rows: [string, Task][] = [
  ["docs' consensus task (deprecated approval_threshold)", docs],
  ["same task, current fields only", current],
];
console.log(`Node ${process.version}; median of 5 rounds of ${ITERATIONS} calls\n`);
console.log("| task | create µs | validate µs | normalize µs | facade total µs | encode request µs (for scale) |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const [name, task] of rows) {
  const c = microseconds(() => create(TaskSchema, task));
  const v = microseconds(() => validateTasks([task], "tasks", { deprecated: "accept" }));
  const n = microseconds(() => normalizeTask(task));
  const e = microseconds(() => toBinary(PostTasksRequestSchema, create(PostTasksRequestSchema, { tasks: [task] })));
  console.log(`| ${name} | ${c.toFixed(2)} | ${v.toFixed(2)} | ${n.toFixed(2)} | ${(c + v + n).toFixed(2)} | ${e.toFixed(2)} |`);
}
