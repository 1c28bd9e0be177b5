// Types of `cloudflare:workers`' env and exports inside the edge's tests.
import type { Env as EdgeEnv } from "../src/env.js";
import type * as Main from "../src/index.js";

declare global {
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs an interface
    interface Env extends EdgeEnv {}
    interface GlobalProps {
      mainModule: typeof Main;
      durableNamespaces: "ExperimentState";
    }
  }
}
