/** A URL as shown to admins: embedded credentials (https://user:pass@host) replaced by "***". */
export function maskUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, "$1***@");
}
