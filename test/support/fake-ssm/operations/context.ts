import type { Settings } from '../options';
import type { TokenCodec } from '../pagination';
import type { ParameterStore } from '../store';

export interface OperationContext {
  readonly store: ParameterStore;
  readonly settings: Settings;
  readonly tokens: TokenCodec;
  /** The opaque blob a SecureString version shows without decryption. */
  readonly cipher: (name: string, version: number) => string;
}

/** A SecureString value that a response hands out in plaintext. */
export interface Decryption {
  name: string;
  keyId: string | undefined;
}

export interface Outcome {
  body: Record<string, unknown>;
  decrypted: Decryption[];
}

/** One SSM operation: parse and validate its input, say which parameters it touches, run it. */
export interface Operation<Request> {
  parse(input: Record<string, unknown>): Request;
  /** Whether the request touches parameter `name`, for fault rules that name a parameter. */
  touches(request: Request, name: string, ctx: OperationContext): boolean;
  /** The resource an IAM denial of this request names. */
  resource(request: Request, ctx: OperationContext): string;
  /** Every resource IAM checks, when the request names more than one (GetParameters); default: `resource`. */
  resources?(request: Request, ctx: OperationContext): string[];
  run(request: Request, ctx: OperationContext): Outcome;
}

/** A request that parsed and validated, ready for the fault rules and then to run. */
export interface Prepared {
  touches(name: string): boolean;
  resource(): string;
  resources(): string[];
  run(): Outcome;
}

/** Parses an operation's input (throwing its validation errors) into a Prepared request. */
export type Handler = (input: Record<string, unknown>, ctx: OperationContext) => Prepared;

export function define<Request>(operation: Operation<Request>): Handler {
  return (input, ctx) => {
    const request = operation.parse(input);
    return {
      touches: (name) => operation.touches(request, name, ctx),
      resource: () => operation.resource(request, ctx),
      resources: () => operation.resources?.(request, ctx) ?? [operation.resource(request, ctx)],
      run: () => operation.run(request, ctx),
    };
  };
}
