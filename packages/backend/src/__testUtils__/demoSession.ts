/**
 * Signs a demo user in through the demo sign-in provider (development
 * config) and returns their Backstage token. The catalog ingests the users
 * asynchronously after start, so a 404 (user not in the catalog yet) is
 * retried for a minute.
 */
export async function signInDemoUser(backendUrl: string, user: string): Promise<string> {
  for (let i = 0; i < 120; i++) {
    const res = await fetch(`${backendUrl}/api/auth/demo/refresh`, { headers: { 'x-egress-demo-user': user } });
    if (res.ok) return (await res.json()).backstageIdentity.token;
    if (res.status !== 404) throw new Error(`demo sign-in of ${user}: ${res.status} ${await res.text()}`);
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`demo sign-in of ${user}: the user never appeared in the catalog`);
}
