// `npm run bench:cold-start [-- --runs=N] [--tarball=NAME=FILE ...]`: cold start of the package as a user
// installs it, next to the official dynamic stub. Each sample is a fresh Node process that imports a
// client and makes one GetTask against the emulator (in a process of its own); the clients take turns,
// sample after sample, so that a busy machine slows them alike. Prints medians (and the middle half's
// spread) as markdown: import, import + first GetTask (both timed inside the process from its first
// line), spawn → exit (timed outside), and the process's CPU time at the end of the first call.
//
// It builds and packs this tree (`npm run build`, `npm pack`); each --tarball adds another package to
// measure beside it, e.g. one packed from an earlier commit, for a before/after.
// It measures; it never fails on a number.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";

const root = fileURLToPath(new URL("../", import.meta.url));
const run = promisify(execFile);
const { values } = parseArgs({ options: { runs: { type: "string", default: "15" }, tarball: { type: "string", multiple: true } } });
const runs = Number(values.runs);
const account = { pat: "cold-pat", userId: "cold-user", appId: "cold-app", taskId: "cold-task" };

const work = mkdtempSync(join(tmpdir(), "clarifai-cold-start-"));
try {
  console.error("building and packing this tree…");
  await run("npm", ["run", "build", "--silent"], { cwd: root });
  const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: root });
  const tarballs = [
    { name: "this tree", file: join(work, JSON.parse(stdout)[0].filename) },
    ...(values.tarball ?? []).map((spec) => {
      const [name, file] = spec.split("=");
      return { name, file: resolve(file) };
    }),
  ];
  // One consumer project per tarball, installed by npm as a user's would be.
  for (const t of tarballs) {
    t.consumer = join(work, `consumer-${tarballs.indexOf(t)}`);
    mkdirSync(t.consumer);
    writeFileSync(join(t.consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    console.error(`installing ${t.name} (${t.file})…`);
    await run("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", t.file], { cwd: t.consumer });
  }

  const emulator = spawn(process.execPath, ["node_modules/.bin/clarifai-grpc-es", "emulator", "--port", "0", "--user", `${account.pat}=${account.userId}`], {
    cwd: tarballs[0].consumer,
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const baseUrl = await new Promise((ok, fail) => {
      emulator.stdout.once("data", (d) => ok(/listening on (\S+)/.exec(String(d))?.[1]));
      emulator.once("exit", (code) => fail(new Error(`the emulator exited with ${code}`)));
    });
    await seed(tarballs[0].consumer, baseUrl);
    const clients = [
      ...tarballs.flatMap((t) => ["connect", "grpc-js"].map((transport) => ({ name: `clarifai-grpc-es (${t.name}), ${transport}`, dir: t.consumer, probe: ours(baseUrl, transport) }))),
      { name: "official dynamic stub (clarifai-nodejs-grpc)", dir: root, probe: official(baseUrl) },
    ];
    for (const c of clients) {
      c.file = join(c.dir === root ? work : c.dir, `probe-${clients.indexOf(c)}.mjs`);
      writeFileSync(c.file, c.probe);
      c.samples = [];
    }
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`\rround ${i + 1}/${runs}`);
      for (const c of clients) c.samples.push(await sample(c));
    }
    process.stderr.write("\n");
    report(clients);
  } finally {
    emulator.kill("SIGINT");
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Creates the task every probe gets, through the installed package. */
async function seed(consumer, baseUrl) {
  const script = `import { ClarifaiClient, labelingTask } from "clarifai-grpc-es";
const client = new ClarifaiClient({ pat: "${account.pat}", userId: "${account.userId}", appId: "${account.appId}", baseUrl: "${baseUrl}" });
await client.tasks.create(labelingTask({ id: "${account.taskId}", name: "cold start", type: "CONCEPTS_CLASSIFICATION", concepts: ["water"],
  workers: { strategy: "DYNAMIC", users: ["worker-1"] }, inputSource: { type: "ALL_INPUTS" } }));
await client.close();`;
  writeFileSync(join(consumer, "seed.mjs"), script);
  await run(process.execPath, ["seed.mjs"], { cwd: consumer });
}

// Each probe prints one JSON line; t0 is its first statement, as in the bench's cold-start child.
function measured(load, call) {
  return `const t0 = performance.now();
${load}
const t1 = performance.now();
${call}
const t2 = performance.now();
const cpu = process.cpuUsage();
console.log(JSON.stringify({ importMs: t1 - t0, firstCallMs: t2 - t0, cpuMs: (cpu.user + cpu.system) / 1000 }));
await close();
`;
}

function ours(baseUrl, transport) {
  return measured(
    `const { ClarifaiClient } = await import("clarifai-grpc-es");`,
    `const client = new ClarifaiClient({ pat: "${account.pat}", userId: "${account.userId}", appId: "${account.appId}", baseUrl: "${baseUrl}", transport: "${transport}" });
await client.tasks.get("${account.taskId}");
const close = () => client.close();`,
  );
}

// As bench/clients/official-dynamic.ts uses it: the class ClarifaiStub.grpc() builds, on the emulator.
function official(baseUrl) {
  return measured(
    `const { createRequire } = await import("node:module");
const { ClarifaiStub, grpc } = createRequire(${JSON.stringify(join(root, "package.json"))})("clarifai-nodejs-grpc");`,
    `const probe = ClarifaiStub.grpc();
const V2 = probe.constructor;
probe.close();
const stub = new V2("${new URL(baseUrl).host}", grpc.credentials.createInsecure(), {
  "grpc.max_receive_message_length": 1024 * 1024 * 1024,
  "grpc.max_send_message_length": 1024 * 1024 * 1024,
});
const metadata = new grpc.Metadata();
metadata.set("authorization", "Key ${account.pat}");
const response = await new Promise((ok, fail) =>
  stub.GetTask({ user_app_id: { user_id: "${account.userId}", app_id: "${account.appId}" }, task_id: "${account.taskId}" }, metadata, (e, r) => (e ? fail(e) : ok(r))),
);
if (response.status.code !== 10000) throw new Error("GetTask: status " + response.status.code);
const close = async () => stub.close();`,
  );
}

async function sample(client) {
  const started = process.hrtime.bigint();
  const { stdout } = await run(process.execPath, [client.file], { cwd: client.dir });
  return { ...JSON.parse(stdout), spawnToExitMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.ceil(pos)] - sorted[lo]) * (pos - lo);
}

function report(clients) {
  const cell = (c, key) => {
    const xs = c.samples.map((s) => s[key]);
    return `${quantile(xs, 0.5).toFixed(0)} (${quantile(xs, 0.25).toFixed(0)}–${quantile(xs, 0.75).toFixed(0)})`;
  };
  const officialFirst = quantile(clients.at(-1).samples.map((s) => s.firstCallMs), 0.5);
  console.log(`Node ${process.version}, ${runs} rounds, median (quartiles), ms; load average ${loadavg()[0].toFixed(1)}\n`);
  console.log("| client | import | import + first GetTask | official ÷ this (import + first) | spawn → exit | process CPU at first answer |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const c of clients) {
    const ratio = officialFirst / quantile(c.samples.map((s) => s.firstCallMs), 0.5);
    console.log(`| ${c.name} | ${cell(c, "importMs")} | ${cell(c, "firstCallMs")} | ${ratio.toFixed(1)}× | ${cell(c, "spawnToExitMs")} | ${cell(c, "cpuMs")} |`);
  }
}
