/**
 * `h('button', { class: 'sec', onclick }, 'Cancel')`: the whole "framework". Text always goes in
 * as text nodes, never as HTML, so nothing the API returns (a reward name, a code) can inject markup.
 */
export type Child = Node | string | number | false | null | undefined | Child[];
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value as EventListener);
    // A control's current value and state are properties, not the attributes that set their default.
    else if (name === 'value' || name === 'checked') (element as unknown as Record<string, unknown>)[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children, flattening arrays and skipping the false and empty ones. */
export function append(parent: Node, children: Child[]) {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child);
    else if (child !== null && child !== undefined && child !== false) parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}
