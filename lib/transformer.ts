/**
 * The tRPC data transformer: superjson on the wire, with a fast path for
 * what the server sends back.
 *
 * superjson walks every value of a response through its generic plugin
 * machinery; for a dashboard of 90 daily rows that costs about ten times a
 * plain `JSON.stringify`, on every request. Nearly all responses hold only
 * plain objects, arrays, strings, finite numbers, booleans, null, undefined
 * and Dates, so `serializeFast` handles exactly those and writes superjson's
 * own format (`{ json, meta: { values, v: 1 } }` with escaped dotted paths):
 * every superjson client — the app's, and other projects' typed clients —
 * reads it unchanged. Anything else (Map, Set, BigInt, Decimal, RegExp,
 * class instances, NaN/±Infinity/-0, invalid dates, cycles, very deep
 * values, keys superjson refuses such as `__proto__`) makes it hand the
 * whole value to superjson instead. Shared
 * references arrive as equal copies rather than as one object, which no
 * caller relies on.
 */
import superjson from "superjson";

type SuperJSONResult = ReturnType<typeof superjson.serialize>;
type TypeAnnotation = "Date" | "undefined";

const MAX_DEPTH = 64;

/** Thrown inside the walk when a value needs superjson itself. */
const FALLBACK = Symbol("fallback");

function escapeKey(key: string): string {
  return key.indexOf("\\") === -1 && key.indexOf(".") === -1 ? key : key.replace(/\\/g, "\\\\").replace(/\./g, "\\.");
}

/**
 * `path` holds the keys from the root down to `value` (empty for the root, which superjson annotates
 * apart), pushed and popped as the walk goes: the dotted path is only built for the rare value that needs
 * an annotation, not for every value passed.
 */
function walk(value: unknown, path: (string | number)[], ann: Annotations): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value) || Object.is(value, -0)) throw FALLBACK;
      return value;
    case "undefined":
      annotate(ann, path, "undefined");
      return null;
    case "object": {
      if (value === null) return null;
      if (path.length > MAX_DEPTH) throw FALLBACK;
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          out[i] = walk(value[i], path, ann);
          path.pop();
        }
        return out;
      }
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw FALLBACK;
        annotate(ann, path, "Date");
        return value.toISOString();
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw FALLBACK;
      const out: Record<string, unknown> = {};
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        // superjson refuses these keys (prototype pollution); let it say so.
        if (key === "__proto__" || key === "constructor" || key === "prototype") throw FALLBACK;
        path.push(key);
        out[key] = walk((value as Record<string, unknown>)[key], path, ann);
        path.pop();
      }
      return out;
    }
    default:
      // bigint, symbol, function
      throw FALLBACK;
  }
}

interface Annotations {
  root?: TypeAnnotation;
  values?: Record<string, [TypeAnnotation]>;
}

function annotate(ann: Annotations, path: (string | number)[], type: TypeAnnotation) {
  if (path.length === 0) {
    ann.root = type;
    return;
  }
  ann.values ??= {};
  ann.values[path.map((key) => (typeof key === "number" ? String(key) : escapeKey(key))).join(".")] = [type];
}

/** Same result as `superjson.serialize` for plain data, much faster; superjson itself for anything else. */
export function serializeFast(value: unknown): SuperJSONResult {
  const ann: Annotations = {};
  let json: unknown;
  try {
    json = walk(value, [], ann);
  } catch (err) {
    if (err === FALLBACK) return superjson.serialize(value);
    throw err;
  }
  const values = ann.root ? [ann.root] : ann.values;
  if (!values) return { json: json as SuperJSONResult["json"] };
  return { json, meta: { values, v: 1 } } as SuperJSONResult;
}

/**
 * For `initTRPC.create({ transformer })`: inputs are parsed by superjson as
 * sent; outputs go out through the fast path.
 */
export const serverTransformer = {
  input: superjson,
  output: { serialize: serializeFast, deserialize: superjson.deserialize.bind(superjson) },
};
