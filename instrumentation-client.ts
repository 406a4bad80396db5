/**
 * Runs in the browser before any of the app's own modules. Pages forbid eval
 * (proxy.ts), and zod probes for it with `new Function` when it builds its
 * first object schema; the browser reports that probe as a policy violation
 * even though zod catches it. Jitless, zod validates the same way without the
 * probe or compiled parsers. The server keeps the compiled parsers.
 */
import { z } from "zod";

z.config({ jitless: true });
