/**
 * Builds elements from text only: children are strings (set as text nodes) or elements.
 * There is deliberately no way to pass HTML: log lines and server responses are untrusted.
 */
export function el(tag: string, props: { className?: string; href?: string } = {}, children: (string | Node)[] = []): HTMLElement {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.href) node.setAttribute('href', props.href);
  for (const child of children) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return node;
}
