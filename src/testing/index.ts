// clarifai-grpc-es/testing: a local emulator of the Clarifai API's Tasks and Collectors, for tests.

export { startEmulator, type Emulator, type EmulatorOptions } from "./emulator.js";
export { emulatorRoutes } from "./routes.js";
export {
  createEmulatorState,
  DEFAULT_PAT,
  DEFAULT_USER_ID,
  type AppKeyScope,
  type EmulatorState,
  type EmulatorStateOptions,
} from "./state.js";
export { EmulatorStore } from "./store.js";
export { DEFAULT_PER_PAGE, MAX_PER_PAGE } from "./pagination.js";
export { EmulatorCodes } from "./status.js";
