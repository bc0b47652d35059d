#!/usr/bin/env python3
"""Records optional platform packages that the package mirror here does not serve in package-lock.json.

npm leaves such packages out of the lock when the registry answers 404 for them, and `npm ci` then rejects the
lock as out of sync. Each missing package gets an entry with its version, os and cpu taken from its name; npm ci
skips them on any other platform, exactly as it would with a lock written against the public registry.
Usage: python3 scripts/lock-foreign-platforms.py "Missing: name@version from lock file" lines on stdin.
"""
import json
import re
import sys

OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'openbsd', 'sunos', 'aix']
CPU = {'arm64': 'arm64', 'x64': 'x64', 'ia32': 'ia32', 'arm': 'arm', 'ppc64': 'ppc64', 's390x': 's390x',
       'riscv64': 'riscv64', 'loong64': 'loong64', 'universal': None, 'wasm32': 'wasm32'}

lock = json.load(open('package-lock.json'))
packages = lock['packages']
added = 0
for line in sys.stdin:
    match = re.search(r'Missing: (@?[^@\s]+)@(\S*) from lock file', line)
    if not match:
        continue
    name, version = match.groups()
    parent = next((p for p in packages.values() if name in p.get('optionalDependencies', {})), None)
    if parent is None:
        continue
    version = version or parent['optionalDependencies'][name]
    parts = re.split(r'[-/]', name)
    entry = {'version': version, 'optional': True}
    if parent.get('dev'):
        entry['dev'] = True
    os_ = [o for o in OS if o in parts]
    cpu = [CPU[c] for c in parts if c in CPU and CPU[c]]
    if os_:
        entry['os'] = os_[:1]
    if cpu:
        entry['cpu'] = cpu[:1]
    if 'musl' in parts or 'musleabihf' in parts:
        entry['libc'] = ['musl']
    elif 'gnu' in parts or 'glibc' in parts or 'gnueabihf' in parts:
        entry['libc'] = ['glibc']
    packages[f'node_modules/{name}'] = entry
    added += 1

lock['packages'] = dict(sorted(packages.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open('package-lock.json', 'w'), indent=2, ensure_ascii=False)
open('package-lock.json', 'a').write('\n')
print(f'added {added} entries')
