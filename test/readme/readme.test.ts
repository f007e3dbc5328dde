// README.md's TypeScript blocks as written (the default transport), type-checked and run: see
// readme-suite.ts.
import { describeReadme } from "./readme-suite.js";

describeReadme("README.md", { typecheck: true });
