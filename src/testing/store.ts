// The emulator's data: per user, per app, the tasks and collectors, in memory. Everything stored is a
// clone of what arrived (unknown fields included) and everything handed out is a clone again, so no
// caller can change stored state by mutating a message it holds.
import { clone } from "@bufbuild/protobuf";
import { CollectorSchema, TaskSchema, type Collector, type Task } from "../../gen/clarifai/api/resources_pb.js";

/** One app's resources. Maps keep insertion order, which is the documented list order. @internal */
export interface AppData {
  readonly tasks: Map<string, Task>;
  readonly collectors: Map<string, Collector>;
}

/**
 * The emulator's in-memory store, exposed on the emulator handle (`handle.store`) so tests can look
 * behind the API: count what was stored (e.g. to prove a retried write created no duplicate), read
 * it back without a key, or wipe it between tests.
 *
 * List order, everywhere (ListTasks, ListCollectors and the methods here): creation order, and within
 * one PostTasks/PostCollectors batch the order of the request. Patches keep an item's place.
 *
 * Apps spring into existence on first use, as the emulator has no app management.
 */
export class EmulatorStore {
  // user id → app id → data; nested maps so that no separator character can make two apps collide.
  readonly #users = new Map<string, Map<string, AppData>>();

  /** The app's data, created empty on first use. @internal */
  app(userId: string, appId: string): AppData {
    let apps = this.#users.get(userId);
    if (!apps) {
      apps = new Map();
      this.#users.set(userId, apps);
    }
    let data = apps.get(appId);
    if (!data) {
      data = { tasks: new Map(), collectors: new Map() };
      apps.set(appId, data);
    }
    return data;
  }

  // Reads must not create apps as a side effect of looking.
  #peek(userId: string, appId: string): AppData | undefined {
    return this.#users.get(userId)?.get(appId);
  }

  /** How many tasks the app holds (0 for an app never used). */
  countTasks(userId: string, appId: string): number {
    return this.#peek(userId, appId)?.tasks.size ?? 0;
  }

  /** How many collectors the app holds (0 for an app never used). */
  countCollectors(userId: string, appId: string): number {
    return this.#peek(userId, appId)?.collectors.size ?? 0;
  }

  /** Copies of the app's tasks, in list order. */
  tasks(userId: string, appId: string): Task[] {
    return [...(this.#peek(userId, appId)?.tasks.values() ?? [])].map((t) => clone(TaskSchema, t));
  }

  /** Copies of the app's collectors, in list order. */
  collectors(userId: string, appId: string): Collector[] {
    return [...(this.#peek(userId, appId)?.collectors.values() ?? [])].map((c) => clone(CollectorSchema, c));
  }

  /** Every app used so far, as `{ userId, appId }`, in order of first use. */
  apps(): { userId: string; appId: string }[] {
    return [...this.#users].flatMap(([userId, apps]) => [...apps.keys()].map((appId) => ({ userId, appId })));
  }

  /** Forgets every user, app, task and collector. */
  clear(): void {
    this.#users.clear();
  }
}
