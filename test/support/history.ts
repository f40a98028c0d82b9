/**
 * A workflow history as searchable text: the JSON of its events plus every payload decoded
 * (payloads are base64, so a secret inside one would not show in the raw JSON).
 */
export function historyText(history: unknown): string {
  const decoded: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'data' && typeof value === 'string') decoded.push(Buffer.from(value, 'base64').toString('utf8'));
        else visit(value);
      }
    }
  };
  const json = JSON.stringify(history);
  visit(JSON.parse(json));
  return [json, ...decoded].join('\n');
}
