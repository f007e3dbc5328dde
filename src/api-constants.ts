// Values the Clarifai API documents, in one place for the client, the emulator and the CLI, so the
// emulator can never drift from what the client assumes.

/**
 * The page size the API uses when a list request leaves `per_page` unset (0): 128, as documented for
 * ListTasks and ListCollectors ("This call supports pagination").
 */
export const DEFAULT_PAGE_SIZE = 128;

/** The largest `per_page` the API documents for list calls: 1000. */
export const MAX_PAGE_SIZE = 1000;

/**
 * The only `action` PatchTasks and PatchCollectors document: `"overwrite"` (each item replaces the
 * stored one).
 */
export const PATCH_ACTION_OVERWRITE = "overwrite";
