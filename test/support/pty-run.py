"""Run a command on a pseudo-terminal, type `answer` once `prompt` appears, print {code, output} as JSON."""
import json, os, pty, select, sys, time

spec = json.loads(sys.stdin.read())
pid, fd = pty.fork()
if pid == 0:
    os.chdir(spec["cwd"])
    os.execve(spec["argv"][0], spec["argv"], spec["env"])

output = b""
answered = False
deadline = time.time() + spec.get("timeout", 20)
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if not ready:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    output += chunk
    if not answered and spec["prompt"].encode() in output:
        os.write(fd, spec["answer"].encode())
        answered = True
_, status = os.waitpid(pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "output": output.decode("utf-8", "replace"), "answered": answered}))
