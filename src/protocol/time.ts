/** Unix seconds as a float, the unit every time on the wire uses. */
export function unixSeconds(ms: number = Date.now()): number {
  return ms / 1000;
}
