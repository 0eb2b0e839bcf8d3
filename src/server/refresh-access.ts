import { BearerToken } from './bearer-token';
import { isLoopback } from './loopback';

/**
 * Who may `POST /refresh`: whoever sends the token (when one is given, on any address); anyone on
 * this machine (no token, a loopback address: in a pod, its own containers); nobody (no token, an
 * address other machines reach), so that `--listen 0.0.0.0:9090` for the kubelet's probes opens no
 * way for the network to drive Parameter Store calls.
 */
export type RefreshAccess =
  { readonly kind: 'token'; readonly token: BearerToken } | { readonly kind: 'loopback' } | { readonly kind: 'locked'; readonly address: string };

/** The access for a server bound to `boundHost` (shown to people as `address`). */
export function refreshAccess(token: string | undefined, boundHost: string, address: string): RefreshAccess {
  if (token !== undefined) return { kind: 'token', token: new BearerToken(token) };
  return isLoopback(boundHost) ? { kind: 'loopback' } : { kind: 'locked', address };
}
