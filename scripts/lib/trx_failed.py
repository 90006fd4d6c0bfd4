"""Prints the failed tests of the .trx files under a directory, one `Namespace.Class.Method` per line.

With --passed, prints the tests that passed instead. Theories collapse to their method: a retry by
method reruns every case of it.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
PASSED = {"Passed", "PassedButRunAborted"}
SKIPPED = {"NotExecuted", "NotRunnable"}


def methods(directory, want_passed):
    found = set()
    for path in glob.glob(os.path.join(directory, "**", "*.trx"), recursive=True):
        root = ET.parse(path).getroot()
        names = {}
        for test in root.iter(NS + "UnitTest"):
            method = test.find(NS + "TestMethod")
            if method is not None:
                names[test.get("id")] = method.get("className") + "." + method.get("name")
        for result in root.iter(NS + "UnitTestResult"):
            outcome = result.get("outcome", "")
            if outcome in SKIPPED:
                continue
            if (outcome in PASSED) == want_passed and result.get("testId") in names:
                found.add(names[result.get("testId")])
    return found


if __name__ == "__main__":
    want_passed = "--passed" in sys.argv
    directory = [a for a in sys.argv[1:] if not a.startswith("--")][0]
    for name in sorted(methods(directory, want_passed)):
        print(name)
