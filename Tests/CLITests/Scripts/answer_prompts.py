"""Run a command in a pseudo-terminal and answer its prompts.

Usage: answer_prompts.py PROMPT=ANSWER [...] -- COMMAND ARGS...
Each time the output ends with a prompt (text ending in ': ' or '] '), the next answer is typed.
Prints everything the command wrote; exits with its status.
"""
import os
import pty
import select
import sys

split = sys.argv.index("--")
answers = sys.argv[1:split]
command = sys.argv[split + 1:]

pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)

output = b""
pending = b""
while True:
    ready, _, _ = select.select([fd], [], [], 20)
    if not ready:
        break
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    output += chunk
    pending += chunk
    if (pending.endswith(b": ") or pending.endswith(b"] ")) and answers:
        os.write(fd, answers.pop(0).encode() + b"\n")
        pending = b""

_, status = os.waitpid(pid, 0)
sys.stdout.write(output.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
