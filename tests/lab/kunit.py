"""KUnit: every suite in tests/kunit/, in the debug kernel (KASAN, lockdep,
kmemleak). The guest loads each suite module and saves its KTAP results
from debugfs; they are parsed here with the kernel's own kunit.py, and
each test case counts as one check."""

import glob
import json
import os
import subprocess

KERNEL = "debug"
TIMEOUT = 600

TREE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))


def run(lab):
    os.makedirs(os.path.join(lab.run, "kunit"))
    suites = glob.glob(os.path.join(TREE, "build/debug/tests/kunit/*.ko"))
    lab.check(suites, "KUnit suites built (make debug)")
    lab.guest("kunit", role="kunit.sh", mem=256)


def cases(group, prefix=""):
    name = prefix + group["name"]
    for case in group["test_cases"]:
        yield name + "." + case["name"], case["status"]
    for sub in group["sub_groups"]:
        yield from cases(sub, "" if not prefix and group["name"] == "KUnit Test Group"
                         else name + ".")


def verify(lab):
    src = subprocess.run([os.path.join(TREE, "scripts/kernel/source")], text=True,
                         stdout=subprocess.PIPE, check=True).stdout.strip()
    kunit_py = os.path.join(src, "tools/testing/kunit/kunit.py")
    results = sorted(glob.glob(os.path.join(lab.run, "kunit", "*.ktap")))
    lab.check(results, "KUnit results saved")
    for path in results:
        res = subprocess.run(["python3", kunit_py, "parse", "--json", os.path.abspath(path)],
                             text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = res.stdout
        doc = json.loads(out[out.index("{"):]) if "{" in out else None
        if doc is None:
            lab.check(False, "kunit.py could not parse %s" % os.path.basename(path))
            continue
        found = list(cases(doc))
        lab.check(found, "%s has test cases" % os.path.basename(path))
        for name, status in found:
            lab.check(status == "PASS", "kunit %s %s" % (name, status))
