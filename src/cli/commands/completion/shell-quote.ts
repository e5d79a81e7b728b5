/** `text` as one single-quoted word for bash and zsh: nothing inside is expanded. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
