// The bench page's and the core worker's HTTP: the server's API with the session token of the
// last login (one user per measurement).
let token = '';

export async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function login(username: string, password: string): Promise<void> {
  token = '';
  const session = await api<{ token: string }>('/api/auth/login', { username, password });
  token = session.token;
}
