import itertools

from hypothesis import (
    HealthCheck,
    given,
    settings,
    strategies as st,
)

from odoo.tests import BaseCase, tagged

from odoo.addons.marketing_ops.tools import formula
from odoo.addons.marketing_ops.tools.formula import FormulaError


def holds(text, true_codes, codes=("C1", "C2", "C3", "C4")):
    """Whether ``text`` holds when exactly ``true_codes`` hold, through the set evaluation."""
    tree = formula.parse(text, codes)
    sets = {code: ({1} if code in true_codes else set()) for code in codes}
    return formula.evaluate_sets(tree, sets, {1}) == {1}


@tagged("at_install", "-post_install")
class TestFormula(BaseCase):
    def assertError(self, text, kind, column, token="", codes=("C1", "C2", "C3")):
        with self.assertRaises(FormulaError) as caught:
            formula.parse(text, codes)
        error = caught.exception
        self.assertEqual((error.kind, error.column, error.token), (kind, column, token), text)
        return error

    def test_precedence(self):
        # not > and > or
        self.assertEqual(
            formula.parse("C1 or C2 and not C3"),
            ("or", (("code", "C1"), ("and", (("code", "C2"), ("not", ("code", "C3")))))),
        )
        self.assertTrue(holds("C1 or C2 and C3", {"C1"}))
        self.assertFalse(holds("(C1 or C2) and C3", {"C1"}))
        self.assertTrue(holds("not C1 and C2", {"C2"}))
        self.assertFalse(holds("not (C1 and C2)", {"C1", "C2"}))
        self.assertTrue(holds("not C1 or C2", {"C1", "C2"}))
        self.assertTrue(holds("not not C1", {"C1"}))

    def test_parentheses(self):
        self.assertEqual(formula.parse("((C1))"), ("code", "C1"))
        self.assertTrue(holds("C1 and (C2 or not C3)", {"C1", "C3", "C2"}))
        self.assertFalse(holds("C1 and (C2 or not C3)", {"C1", "C3"}))
        self.assertTrue(holds("C1 and (C2 or not C3)", {"C1"}))

    def test_french_keywords_any_case(self):
        self.assertEqual(
            formula.parse("c1 ET (C2 Ou NON c3)"), formula.parse("C1 and (C2 or not C3)")
        )
        self.assertEqual(formula.parse("C1 AND C2 OR NOT C3"), formula.parse("c1 et c2 ou non c3"))
        self.assertTrue(holds("non C1 et C2", {"C2"}))

    def test_errors_with_column(self):
        error = self.assertError("C1 and C2)", formula.UNEXPECTED_TOKEN, 10, ")")
        self.assertEqual(str(error), 'Unexpected ")" at column 10')
        self.assertError("C1 and ) C2", formula.UNEXPECTED_TOKEN, 8, ")")
        self.assertError("C1 C2", formula.UNEXPECTED_TOKEN, 4, "C2")
        self.assertError("C1 or or C2", formula.UNEXPECTED_TOKEN, 7, "or")
        self.assertError("and C1", formula.UNEXPECTED_TOKEN, 1, "and")
        self.assertError("(C1 and C2", formula.UNEXPECTED_END, 11)
        self.assertError("C1 and", formula.UNEXPECTED_END, 7)
        self.assertError("not", formula.UNEXPECTED_END, 4)
        self.assertError("()", formula.UNEXPECTED_TOKEN, 2, ")")
        error = self.assertError("C1 & C2", formula.UNEXPECTED_CHARACTER, 4, "&")
        self.assertEqual(str(error), 'Unexpected character "&" at column 4')
        self.assertError("C1 or\tC2 = 1", formula.UNEXPECTED_CHARACTER, 10, "=")
        self.assertError("C1 and __import__('os')", formula.UNEXPECTED_CHARACTER, 19, "'")
        self.assertError("C1 and f(C2)", formula.UNEXPECTED_TOKEN, 9, "(")
        self.assertError("   ", formula.EMPTY, 1)

    def test_unknown_codes(self):
        error = self.assertError("C1 and (C2 or C9)", formula.UNKNOWN_CODE, 15, "C9")
        self.assertEqual(str(error), 'Unknown code "C9" at column 15')
        self.assertError("C4", formula.UNKNOWN_CODE, 1, "C4", codes=())
        # codes are compared in upper case; without known codes any code is accepted
        self.assertEqual(formula.parse("c2", ["C2"]), ("code", "C2"))
        self.assertEqual(formula.parse("X1 or Y"), ("or", (("code", "X1"), ("code", "Y"))))
        self.assertEqual(formula.codes_of(formula.parse("C1 and (c2 or not C1)")), {"C1", "C2"})

    def test_valid_codes(self):
        self.assertTrue(formula.is_valid_code("C1"))
        self.assertTrue(formula.is_valid_code("yes_catalogue"))
        for code in ("", "1C", "C 1", "or", "NON", "C-1"):
            self.assertFalse(formula.is_valid_code(code), code)


# ---- Property: random formulas against a truth table computed on the tree itself -----------------

CODES = [f"C{i}" for i in range(1, 7)]
KEYWORD_SPELLINGS = {
    "and": ["and", "AND", "And", "et", "ET", "Et"],
    "or": ["or", "OR", "Or", "ou", "OU", "oU"],
    "not": ["not", "NOT", "Not", "non", "NON", "nOn"],
}
PRECEDENCE = {"or": 1, "and": 2, "not": 3, "code": 4}


def trees(codes):
    leaves = st.sampled_from(codes).map(lambda code: ("code", code))
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            children.map(lambda child: ("not", child)),
            st.tuples(st.sampled_from(["and", "or"]), st.lists(children, min_size=2, max_size=4)),
        ),
        max_leaves=14,
    )


def truth(tree, values):
    """The value of ``tree`` with Python's own operators, under ``values`` {code: bool}."""
    kind = tree[0]
    if kind == "code":
        return values[tree[1]]
    if kind == "not":
        return not truth(tree[1], values)
    if kind == "and":
        return all(truth(child, values) for child in tree[1])
    return any(truth(child, values) for child in tree[1])


def render(tree, draw):
    """Text of ``tree`` with only the parentheses precedence needs, plus some drawn at random,
    keywords in random languages and cases, codes in random case and random spacing."""

    def space():
        return draw(st.sampled_from([" ", "  ", "\t", " \n "]))

    def wrap(text):
        return f"({space() if draw(st.booleans()) else ''}{text})"

    def text_of(node, parent_precedence):
        kind = node[0]
        if kind == "code":
            text = draw(st.sampled_from([node[1], node[1].lower()]))
        elif kind == "not":
            keyword = draw(st.sampled_from(KEYWORD_SPELLINGS["not"]))
            text = f"{keyword}{space()}{text_of(node[1], PRECEDENCE['not'])}"
        else:
            operands = [text_of(child, PRECEDENCE[kind]) for child in node[1]]
            text = operands[0]
            for operand in operands[1:]:
                keyword = draw(st.sampled_from(KEYWORD_SPELLINGS[kind]))
                text = f"{text}{space()}{keyword}{space()}{operand}"
        # an operand of lower precedence than its operator needs parentheses; some are extra.
        # A child of "and" that is "and" (or "or" in "or") keeps them: the grouping changes
        # the tree but never the value.
        if (
            PRECEDENCE[kind] < parent_precedence
            or (kind == "and" and parent_precedence == PRECEDENCE["and"])
            or (kind == "or" and parent_precedence == PRECEDENCE["or"])
            or draw(st.booleans())
        ):
            if kind != "code" or draw(st.booleans()):
                text = wrap(text)
        return text

    return text_of(tree, 0)


@st.composite
def formulas(draw):
    count = draw(st.integers(min_value=1, max_value=6))
    codes = CODES[:count]
    tree = draw(trees(codes))
    return codes, tree, render(tree, draw)


@tagged("at_install", "-post_install")
class TestFormulaProperties(BaseCase):
    @settings(
        max_examples=300,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(formulas())
    def test_random_formulas_match_truth_table(self, case):
        codes, tree, text = case
        # one element per line of the truth table: element i gives code j the bit j of i
        universe = set(range(2 ** len(codes)))
        sets = {
            code: {row for row in universe if row >> index & 1} for index, code in enumerate(codes)
        }
        expected = {
            row
            for row, values in enumerate(itertools.product([False, True], repeat=len(codes)))
            if truth(tree, dict(zip(reversed(codes), values, strict=True)))
        }
        parsed = formula.parse(text, codes)
        self.assertEqual(formula.evaluate_sets(parsed, sets, universe), expected, text)
