/**
 * Builds elements from text only: children are strings (set as text nodes) or elements.
 * There is deliberately no way to pass HTML: log lines and server responses are untrusted.
 */
export interface ElProps {
  className?: string;
  href?: string;
  id?: string;
  role?: string;
  title?: string;
  ariaLabel?: string;
  ariaLabelledby?: string;
  ariaLive?: 'polite' | 'assertive';
}

export function el(tag: string, props: ElProps = {}, children: (string | Node)[] = []): HTMLElement {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.href) node.setAttribute('href', props.href);
  if (props.id) node.id = props.id;
  if (props.role) node.setAttribute('role', props.role);
  if (props.title) node.title = props.title;
  if (props.ariaLabel) node.setAttribute('aria-label', props.ariaLabel);
  if (props.ariaLabelledby) node.setAttribute('aria-labelledby', props.ariaLabelledby);
  if (props.ariaLive) node.setAttribute('aria-live', props.ariaLive);
  for (const child of children) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return node;
}

/** A codicon (font from @vscode/codicons, served from dist/webview); decorative, hidden from screen readers. */
export function icon(name: string, extraClass = ''): HTMLElement {
  const node = document.createElement('span');
  node.className = `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`;
  node.setAttribute('aria-hidden', 'true');
  return node;
}
