/**
 * The ids and names the API documentation's Tasks and Collectors examples use, with the docs'
 * placeholders (WORKER_USER_ID_HERE, USER_ID_1_HERE, {YOUR_COLLECTOR_ID}, …) filled by concrete,
 * mutually consistent values: one scenario creates tasks and another finds them again by worker or
 * reviewer. The walkthrough, the tests (through test/fixtures/seeds.ts, which re-exports them beside the
 * docs' request bodies) and the README all use these.
 *
 * They live under src because `npm start` runs the walkthrough from the build, and a src file that
 * imported test/ made the build emit dist/test.
 *
 * @internal Not part of the package's API.
 * @packageDocumentation
 */

/** The app owner's user id (the docs' `USER_ID` / `YOUR_USER_ID_HERE`). */
export const SEED_USER_ID = "seed-user";
/** The app id (the docs' `APP_ID` / `YOUR_APP_ID_HERE`). */
export const SEED_APP_ID = "seed-app";
/** A personal access token for the seed user (the docs' `PAT` / `YOUR_PAT_HERE`); only meaningful to the emulator. */
export const SEED_PAT = "seed-pat-0123456789abcdef";
/** The concept every task labels (the docs use `"water"`; the auto-annotation example's `CONCEPT_ID_HERE` is mapped to it too). */
export const CONCEPT_ID = "water";
/** The labeler of the assigned task and the first labeler of the consensus task (`WORKER_USER_ID`, `USER_ID_1`). */
export const WORKER_USER_ID = "worker-1";
/** The three labelers of the consensus task and of the task update (`USER_ID_1..3`). */
export const CONSENSUS_WORKER_IDS = ["worker-1", "worker-2", "worker-3"] as const;
/** The reviewer of the assigned and the consensus task (`REVIEWER_USER_ID`, `USER_ID_4`, `REVIEW_USER_ID`). */
export const REVIEWER_USER_ID = "reviewer-1";
/** The dataset the assigned and the auto-annotation task draw inputs from (`DATASET_ID`). */
export const DATASET_ID = "ds-1";
/** The model of the auto-annotation task (`MODEL_ID`). */
export const MODEL_ID = "model-1";
/** The model version of the auto-annotation task (`MODEL_VERSION_ID`). */
export const MODEL_VERSION_ID = "model-version-1";
/** The task that get / update use (`TASK_ID`); the first of the two deleted. */
export const TASK_ID = "task-1";
/**
 * The two tasks deleted together (`TASK_ID_1`, `TASK_ID_2`). The Python delete example gives both the
 * same value (`'d1f2f891…'` twice); REST and Node use two different ids, which we follow.
 */
export const DELETE_TASK_IDS = ["task-1", "task-2"] as const;

/** The collector of every collector example (`{YOUR_COLLECTOR_ID}`). */
export const COLLECTOR_ID = "collector-1";
/** `{YOUR_COLLECTOR_DESCRIPTION}`. */
export const COLLECTOR_DESCRIPTION = "Collects the general model's predictions";
/** `{YOUR_PRE_QUEUE_WORKFLOW_ID}`. */
export const PRE_QUEUE_WORKFLOW_ID = "pre-queue-wf";
/** `{YOUR_POST_QUEUE_WORKFLOW_ID}`. */
export const POST_QUEUE_WORKFLOW_ID = "post-queue-wf";
/** The collected model's owner: the docs say `clarifai` for public models. */
export const SOURCE_MODEL_USER_ID = "clarifai";
/** The collected model's app: the docs say `main` for public models. */
export const SOURCE_MODEL_APP_ID = "main";
/** `{YOUR_MODEL_ID}`. */
export const SOURCE_MODEL_ID = "general-image-recognition";
/** `{YOUR_MODEL_VERSION_ID}`. */
export const SOURCE_MODEL_VERSION_ID = "aa7f35c01e0642fda5cf400f543e7c40";
/** `{YOUR_API_KEY}` in `post_inputs_key_id`: the id of a key with the PostInputs scope. */
export const POST_INPUTS_KEY_ID = "post-inputs-key-1";
/** `{A_NEW_DESCRIPTION}` of the collector update. */
export const NEW_COLLECTOR_DESCRIPTION = "Collects only confident predictions";
/** `{A_NEW_WORKFLOW_ID}` of the collector update (a new pre-queue workflow). */
export const NEW_PRE_QUEUE_WORKFLOW_ID = "pre-queue-wf-2";

/** The weights Struct of the consensus task and the update, as the docs write it (`{[USER_ID_1]: 1, …}`). */
export const CONSENSUS_WEIGHTS: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(CONSENSUS_WORKER_IDS.map((id) => [id, 1])),
);
