// Source text shared by the consumers that test/packaging writes, builds and runs.

/**
 * What every consumer does with a client: one write (it must be able to tell "nothing was sent" from
 * "may have been applied") and one read. Leaves the task read back in `got`; needs `labelingTask` in scope.
 */
export function writeAndRead(client: string, nameExpression: string): string {
  return `const task = await ${client}.tasks.create(
      labelingTask({
        name: ${nameExpression},
        type: "CONCEPTS_CLASSIFICATION",
        concepts: ["water"],
        workers: { strategy: "DYNAMIC", users: ["worker-1"] },
        inputSource: { type: "ALL_INPUTS" },
      }),
    );
    const got = await ${client}.tasks.get(task.id);`;
}
