// Node opens its inspector (a debugger that runs any code) on 127.0.0.1:9229 when it receives
// SIGUSR1, unless a listener is installed. Anyone allowed to signal this process (the app's uid in a
// shared PID namespace) would get every secret. This module is the bundle's first import, so the
// listener is in place before anything else runs; it is never removed. `exec` forwards SIGUSR1 to
// the child through a listener of its own. The image also starts Node with --disable-sigusr1 (Node
// 22.14 and later; Node 20 does not know the flag).
process.on('SIGUSR1', keepInspectorClosed);

function keepInspectorClosed(): void {
  // Nothing to do: the listener's presence is what keeps the inspector closed.
}
