/** `12.3 KB`, `4.5 MB`: a size as a summary shows it (KB and MB of 1024). */
export function sizeText(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
