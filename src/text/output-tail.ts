/** The last `lines` lines of a command's output or a response body, for evidence ('…' when cut). */
export function outputTail(text: string, lines = 60): string {
  const all = text.trimEnd().split('\n');
  return all.length <= lines ? all.join('\n') : ['…', ...all.slice(-lines)].join('\n');
}
