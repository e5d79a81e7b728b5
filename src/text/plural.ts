/** `1 row`, `2 rows` (`many` for an irregular plural: `2 batches`). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
