/** What a registry login yields: a username and password, or an identity (refresh) token. */
export type Credentials = { username: string; password: string } | { identityToken: string };
