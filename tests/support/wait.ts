/**
 * Polls until `check` holds. No deadline of its own, so a slow machine cannot fail it: a condition that
 * never comes is failed by the test's timeout.
 */
export async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await Bun.sleep(10);
}
