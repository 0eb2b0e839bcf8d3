import Handlebars from 'handlebars';

/** What Handlebars passes a block helper; `blockParams` is how many `as |a b|` names the block declares. */
interface BlockOptions {
  readonly fn?: ((context: unknown, options: { data: unknown; blockParams: unknown }) => string) & { readonly blockParams?: number };
  readonly inverse: (context: unknown) => string;
  readonly data?: Record<string, unknown>;
  readonly ids?: unknown;
}

/**
 * `{{#each}}` as Handlebars writes it, with a faster path over an object's keys: `{{#each env}}`
 * over 10,000 parameters is the largest loop a template runs. Per key, Handlebars' own builds the
 * block params (two arrays and a string) whether or not the block declares any, and defers each key
 * by one through a closure; this path builds them only for a block that declares them
 * (`as |value key|`). Arrays, iterables, functions and calls without a block go to `stock`, so the
 * output is Handlebars' in every case (each.test.ts compares the two).
 */
export function fasterEach(stock: Handlebars.HelperDelegate): Handlebars.HelperDelegate {
  return function each(this: unknown, context: unknown, options: BlockOptions | undefined): string {
    const fn = options?.fn;
    if (!fn || options.ids || typeof context !== 'object' || context === null || Array.isArray(context) || Symbol.iterator in context) {
      return stock.call(this, context, options) as string;
    }
    const object = context as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 0) return options.inverse(this);
    const data = options.data ? (Handlebars.createFrame(options.data) as Record<string, unknown>) : undefined;
    const declared = (fn.blockParams ?? 0) > 0;
    const last = keys.length - 1;
    let out = '';
    for (let i = 0; i <= last; i++) {
      const key = keys[i] as string;
      const value = object[key];
      if (data) {
        data['key'] = key;
        data['index'] = i;
        data['first'] = i === 0;
        data['last'] = i === last;
      }
      out += fn(value, { data, blockParams: declared ? [value, key] : undefined });
    }
    return out;
  };
}
