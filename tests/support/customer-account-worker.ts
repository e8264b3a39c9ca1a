/**
 * Just enough of the customer account extension's worker to run a built bundle in a test: a
 * `document` whose nodes Preact can create, insert, update and remove (Shopify's worker gives the
 * same calls over its remote DOM), a `shopify` global, and `fetch`. Installed on `globalThis` and
 * taken back by `restore()`.
 */

class FakeNode {
  parentNode: FakeNode | null = null;
  childNodes: FakeNode[] = [];
  constructor(readonly nodeType: number) {}

  get firstChild(): FakeNode | null {
    return this.childNodes[0] ?? null;
  }

  get nextSibling(): FakeNode | null {
    const siblings = this.parentNode?.childNodes ?? [];
    return siblings[siblings.indexOf(this) + 1] ?? null;
  }

  get textContent(): string {
    return this.childNodes.map((child) => child.textContent).join('');
  }

  insertBefore(node: FakeNode, before: FakeNode | null): FakeNode {
    node.parentNode?.removeChild(node);
    const at = before ? this.childNodes.indexOf(before) : -1;
    if (at < 0) this.childNodes.push(node);
    else this.childNodes.splice(at, 0, node);
    node.parentNode = this;
    return node;
  }

  appendChild(node: FakeNode): FakeNode {
    return this.insertBefore(node, null);
  }

  removeChild(node: FakeNode): FakeNode {
    this.childNodes.splice(this.childNodes.indexOf(node), 1);
    node.parentNode = null;
    return node;
  }

  remove() {
    this.parentNode?.removeChild(this);
  }
}

class FakeText extends FakeNode {
  constructor(public data: string) {
    super(3);
  }

  override get textContent(): string {
    return this.data;
  }
}

export class FakeElement extends FakeNode {
  readonly attributes = new Map<string, string>();
  readonly listeners = new Map<string, (this: FakeElement, event: { type: string }) => unknown>();
  readonly style: Record<string, string> = {};
  /** Present, as on an HTMLElement, so Preact names the event `click`. */
  onclick = null;

  constructor(readonly localName: string) {
    super(1);
  }

  setAttribute(name: string, value: unknown) {
    this.attributes.set(name, String(value));
  }

  removeAttribute(name: string) {
    this.attributes.delete(name);
  }

  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }

  addEventListener(type: string, listener: (this: FakeElement, event: { type: string }) => unknown) {
    this.listeners.set(type, listener);
  }

  removeEventListener(type: string) {
    this.listeners.delete(type);
  }

  click() {
    return this.listeners.get('click')?.call(this, { type: 'click' });
  }

  /** Every element below (and including) this one, depth first. */
  all(): FakeElement[] {
    return [this, ...this.childNodes.flatMap((child) => (child instanceof FakeElement ? child.all() : []))];
  }
}

export interface FakeWorker {
  body: FakeElement;
  restore(): void;
}

/** Puts `document`, `shopify` and `fetch` on `globalThis` for a bundle to use. */
export function installFakeWorker(shopify: unknown, fetch: typeof globalThis.fetch): FakeWorker {
  const body = new FakeElement('body');
  const document = {
    body,
    createElement: (name: string) => new FakeElement(name),
    createElementNS: (_namespace: string, name: string) => new FakeElement(name),
    createTextNode: (data: string) => new FakeText(data),
  };
  const globals = globalThis as Record<string, unknown>;
  const saved = { document: globals.document, shopify: globals.shopify, fetch: globals.fetch };
  Object.assign(globals, { document, shopify, fetch });
  return {
    body,
    restore: () => Object.assign(globals, saved),
  };
}

/** Waits (up to `timeoutMs`) until `check` holds, for renders that follow effects and fetches. */
export async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for the extension to render');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
