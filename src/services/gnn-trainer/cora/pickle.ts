// Just enough of Python's unpickler (protocol 2, as Python 2 wrote the Planetoid files) to read numpy
// arrays, scipy CSR matrices and a dict of adjacency lists, without Python. Objects that would be built
// by calling a class are kept as PyObject records for the caller to interpret.

/** A Python 2 `str`: raw bytes (numpy array buffers, or ASCII names). */
export class PyBytes {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  get text(): string {
    return Buffer.from(this.bytes).toString('latin1');
  }
}

/** A `module.name` global (a class or function) named by the pickle. */
export class PyGlobal {
  readonly module: string;
  readonly name: string;
  constructor(module: string, name: string) {
    this.module = module;
    this.name = name;
  }
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** The result of calling `callable(*args)`, then BUILD's state and any SETITEMS (a defaultdict). */
export class PyObject {
  state: unknown = undefined;
  readonly items = new Map<unknown, unknown>();
  readonly callable: PyGlobal;
  readonly args: unknown[];
  constructor(callable: PyGlobal, args: unknown[]) {
    this.callable = callable;
    this.args = args;
  }
}

const MARK = Symbol('mark');

export function unpickle(input: Uint8Array): unknown {
  // A plain Uint8Array view: a Node Buffer's slice() would share memory instead of copying.
  const data = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let at = 0;
  const byte = (): number => data[at++]!;
  const bytes = (length: number): Uint8Array => data.slice(at, (at += length));
  const line = (): string => {
    const end = data.indexOf(0x0a, at);
    const text = Buffer.from(data.subarray(at, end)).toString('latin1');
    at = end + 1;
    return text;
  };
  const popMark = (): unknown[] => {
    const mark = stack.lastIndexOf(MARK);
    if (mark < 0) throw new Error('pickle: no MARK on the stack');
    const items = stack.splice(mark);
    return items.slice(1);
  };
  const key = (k: unknown): unknown => (k instanceof PyBytes ? k.text : k);

  for (;;) {
    const offset = at;
    const op = String.fromCharCode(byte());
    switch (op) {
      case '\x80': // PROTO
        byte();
        break;
      case 'c': // GLOBAL
        stack.push(new PyGlobal(line(), line()));
        break;
      case 'q': // BINPUT
        memo.set(byte(), stack.at(-1));
        break;
      case 'r': // LONG_BINPUT
        memo.set(view.getUint32(at, true), stack.at(-1));
        at += 4;
        break;
      case 'h': // BINGET
        stack.push(memo.get(byte()));
        break;
      case 'j': // LONG_BINGET
        stack.push(memo.get(view.getUint32(at, true)));
        at += 4;
        break;
      case 'K': // BININT1
        stack.push(byte());
        break;
      case 'M': // BININT2
        stack.push(view.getUint16(at, true));
        at += 2;
        break;
      case 'J': // BININT
        stack.push(view.getInt32(at, true));
        at += 4;
        break;
      case 'G': // BINFLOAT (big-endian)
        stack.push(view.getFloat64(at, false));
        at += 8;
        break;
      case 'U': // SHORT_BINSTRING
        stack.push(new PyBytes(bytes(byte())));
        break;
      case 'T': {
        // BINSTRING
        const length = view.getUint32(at, true);
        at += 4;
        stack.push(new PyBytes(bytes(length)));
        break;
      }
      case 'X': {
        // BINUNICODE
        const length = view.getUint32(at, true);
        at += 4;
        stack.push(Buffer.from(bytes(length)).toString('utf8'));
        break;
      }
      case 'N':
        stack.push(null);
        break;
      case '\x88':
        stack.push(true);
        break;
      case '\x89':
        stack.push(false);
        break;
      case '(':
        stack.push(MARK);
        break;
      case ')':
        stack.push([]);
        break;
      case 't':
        stack.push(popMark());
        break;
      case '\x85':
        stack.push(stack.splice(-1));
        break;
      case '\x86':
        stack.push(stack.splice(-2));
        break;
      case '\x87':
        stack.push(stack.splice(-3));
        break;
      case ']':
        stack.push([]);
        break;
      case '}':
        stack.push(new Map());
        break;
      case 'a': {
        // APPEND
        const item = stack.pop();
        (stack.at(-1) as unknown[]).push(item);
        break;
      }
      case 'e': {
        // APPENDS
        const items = popMark();
        (stack.at(-1) as unknown[]).push(...items);
        break;
      }
      case 's':
      case 'u': {
        // SETITEM, SETITEMS
        const items = op === 's' ? stack.splice(-2) : popMark();
        const target = stack.at(-1);
        const map = target instanceof PyObject ? target.items : (target as Map<unknown, unknown>);
        for (let i = 0; i < items.length; i += 2) map.set(key(items[i]), items[i + 1]);
        break;
      }
      case 'R': {
        // REDUCE
        const args = stack.pop() as unknown[];
        const callable = stack.pop() as PyGlobal;
        stack.push(new PyObject(callable, args));
        break;
      }
      case '\x81': {
        // NEWOBJ
        const args = stack.pop() as unknown[];
        const cls = stack.pop() as PyGlobal;
        stack.push(new PyObject(cls, args));
        break;
      }
      case 'b': {
        // BUILD
        const state = stack.pop();
        (stack.at(-1) as PyObject).state = state instanceof Map ? mapWithTextKeys(state) : state;
        break;
      }
      case '.':
        return stack.pop();
      default:
        throw new Error(
          `pickle: opcode 0x${op.charCodeAt(0).toString(16)} at byte ${offset} is not supported`,
        );
    }
  }
}

function mapWithTextKeys(map: Map<unknown, unknown>): Map<unknown, unknown> {
  return new Map([...map].map(([k, v]) => [k instanceof PyBytes ? k.text : k, v]));
}

/** A numpy ndarray rebuilt from numpy.core.multiarray._reconstruct + its BUILD state. */
export interface NumpyArray {
  readonly shape: number[];
  readonly data: Float64Array | Int32Array | Float32Array;
}

export function numpyArray(value: unknown): NumpyArray {
  if (!(value instanceof PyObject) || value.callable.name !== '_reconstruct') {
    throw new Error('pickle: expected a numpy array');
  }
  const [, shape, dtype, fortran, raw] = value.state as [number, number[], PyObject, boolean, PyBytes];
  if (fortran) throw new Error('pickle: Fortran-ordered arrays are not supported');
  const descr = (dtype.args[0] as PyBytes).text;
  const order = ((dtype.state as unknown[])[1] as PyBytes).text;
  if (order === '>') throw new Error('pickle: big-endian arrays are not supported');
  const buffer = new Uint8Array(raw.bytes).buffer; // an aligned copy of exactly these bytes
  switch (descr) {
    case 'f8':
      return { shape, data: new Float64Array(buffer) };
    case 'f4':
      return { shape, data: new Float32Array(buffer) };
    case 'i4':
      return { shape, data: new Int32Array(buffer) };
    case 'i8': {
      const wide = new BigInt64Array(buffer);
      return { shape, data: Int32Array.from(wide, (v) => Number(v)) };
    }
    default:
      throw new Error(`pickle: numpy dtype ${descr} is not supported`);
  }
}
