/** `text` as one single-quoted word for bash and zsh: nothing inside is expanded. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A `case` on `subject` with one arm per pattern, `*` giving `otherwise`: the same in bash and zsh. */
export function shellCase(
  subject: string,
  arms: readonly (readonly [pattern: string, body: string])[],
  otherwise: string,
): string {
  return [
    `  case ${subject} in`,
    ...arms.map(([pattern, body]) => `    ${shellQuote(pattern)}) ${body} ;;`),
    `    *) ${otherwise} ;;`,
    '  esac',
  ].join('\n');
}
