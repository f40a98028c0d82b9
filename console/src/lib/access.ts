// What the signed-in token may call, from `GET /api/me`'s operations ("METHOD /path/{param}"): the console
// shows a control only when the request behind it is one of them (pure: the app's state is in useAccess.ts).

/** A template's `{param}` stands for one path segment; anything else is matched as written. */
function templatePattern(template: string): RegExp {
  const literal = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('[^/]+')}$`);
}

/**
 * Whether `operations` allows `method` on `path`: a concrete path (`/api/profiles/3f…/runs`, its query
 * ignored) or the template itself (`/api/profiles/{id}/runs`).
 */
export function allows(operations: readonly string[], method: string, path: string): boolean {
  const wanted = method.toUpperCase();
  const bare = path.split('?')[0]!;
  return operations.some((op) => {
    const space = op.indexOf(' ');
    return op.slice(0, space).toUpperCase() === wanted && templatePattern(op.slice(space + 1)).test(bare);
  });
}
