"""The formula language of step transitions, independent of the ORM.

A formula combines condition codes with ``and``/``or``/``not`` (or the French ``et``/``ou``/``non``,
in any case) and parentheses, e.g. ``C1 and (C2 or not C3)``. Precedence: ``not`` binds tighter
than ``and``, which binds tighter than ``or``. Grammar::

    formula := disjunction END
    disjunction := conjunction (OR conjunction)*
    conjunction := negation (AND negation)*
    negation := NOT negation | atom
    atom := CODE | "(" disjunction ")"

The text is read by a tokenizer and a recursive-descent parser written here: user text is never
evaluated as Python. Parsing gives a tree of tuples: ``("code", "C1")``, ``("not", node)``,
``("and", (node, ...))``, ``("or", (node, ...))``.
"""

import re

KEYWORDS = {
    "and": "AND",
    "et": "AND",
    "or": "OR",
    "ou": "OR",
    "not": "NOT",
    "non": "NOT",
}
CODE_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPACE = re.compile(r"\s+")

# error kinds, for callers that word the message themselves
UNEXPECTED_CHARACTER = "unexpected_character"
UNEXPECTED_TOKEN = "unexpected_token"
UNEXPECTED_END = "unexpected_end"
UNKNOWN_CODE = "unknown_code"
EMPTY = "empty"


class FormulaError(ValueError):
    """A formula that cannot be read: ``kind`` (one of the constants above), the 1-based
    ``column`` where the problem starts and the offending ``token`` (empty at the end)."""

    def __init__(self, kind, column, token=""):
        self.kind = kind
        self.column = column
        self.token = token
        super().__init__(self.default_message())

    def default_message(self):
        if self.kind == UNEXPECTED_CHARACTER:
            return f'Unexpected character "{self.token}" at column {self.column}'
        if self.kind == UNEXPECTED_TOKEN:
            return f'Unexpected "{self.token}" at column {self.column}'
        if self.kind == UNEXPECTED_END:
            return f"Unexpected end of formula at column {self.column}"
        if self.kind == UNKNOWN_CODE:
            return f'Unknown code "{self.token}" at column {self.column}'
        return "Empty formula"


class Token:
    __slots__ = ("column", "kind", "text")

    def __init__(self, kind, text, column):
        self.kind = kind  # CODE, AND, OR, NOT, LPAREN, RPAREN, END
        self.text = text
        self.column = column

    def __repr__(self):
        return f"Token({self.kind}, {self.text!r}, {self.column})"


def tokenize(text):
    """The tokens of ``text``, ending with an END token."""
    tokens = []
    position = 0
    length = len(text)
    while position < length:
        space = _SPACE.match(text, position)
        if space:
            position = space.end()
            continue
        char = text[position]
        if char == "(":
            tokens.append(Token("LPAREN", char, position + 1))
            position += 1
            continue
        if char == ")":
            tokens.append(Token("RPAREN", char, position + 1))
            position += 1
            continue
        word = CODE_PATTERN.match(text, position)
        if not word:
            raise FormulaError(UNEXPECTED_CHARACTER, position + 1, char)
        value = word.group()
        tokens.append(Token(KEYWORDS.get(value.lower(), "CODE"), value, position + 1))
        position = word.end()
    tokens.append(Token("END", "", length + 1))
    return tokens


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.index = 0

    @property
    def current(self):
        return self.tokens[self.index]

    def _advance(self):
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _fail(self):
        token = self.current
        if token.kind == "END":
            raise FormulaError(UNEXPECTED_END, token.column)
        raise FormulaError(UNEXPECTED_TOKEN, token.column, token.text)

    def parse(self):
        if self.current.kind == "END":
            raise FormulaError(EMPTY, 1)
        node = self.disjunction()
        if self.current.kind != "END":
            self._fail()
        return node

    def disjunction(self):
        operands = [self.conjunction()]
        while self.current.kind == "OR":
            self._advance()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else ("or", tuple(operands))

    def conjunction(self):
        operands = [self.negation()]
        while self.current.kind == "AND":
            self._advance()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else ("and", tuple(operands))

    def negation(self):
        if self.current.kind == "NOT":
            self._advance()
            return ("not", self.negation())
        return self.atom()

    def atom(self):
        token = self.current
        if token.kind == "CODE":
            self._advance()
            return ("code", token.text.upper(), token.column)
        if token.kind == "LPAREN":
            self._advance()
            node = self.disjunction()
            if self.current.kind != "RPAREN":
                self._fail()
            self._advance()
            return node
        self._fail()


def _strip_columns(node):
    if node[0] == "code":
        return ("code", node[1])
    if node[0] == "not":
        return ("not", _strip_columns(node[1]))
    return (node[0], tuple(_strip_columns(child) for child in node[1]))


def _check_codes(node, known):
    if node[0] == "code":
        if node[1] not in known:
            raise FormulaError(UNKNOWN_CODE, node[2], node[1])
    elif node[0] == "not":
        _check_codes(node[1], known)
    else:
        for child in node[1]:
            _check_codes(child, known)


def parse(text, codes=None):
    """The tree of ``text``; codes are compared in upper case. With ``codes`` (an iterable of
    the known codes), a code outside them is an error.

    :raise FormulaError: on a syntax error or an unknown code
    """
    tree = _Parser(tokenize(text)).parse()
    if codes is not None:
        _check_codes(tree, {code.upper() for code in codes})
    return _strip_columns(tree)


def codes_of(tree):
    """The codes a tree uses."""
    if tree[0] == "code":
        return {tree[1]}
    if tree[0] == "not":
        return codes_of(tree[1])
    return set().union(*(codes_of(child) for child in tree[1]))


def evaluate_sets(tree, sets, universe):
    """The set of elements of ``universe`` for which ``tree`` holds, where ``sets`` maps each
    code (in upper case) to the set of elements for which that code holds."""
    kind = tree[0]
    if kind == "code":
        return universe & sets[tree[1]]
    if kind == "not":
        return universe - evaluate_sets(tree[1], sets, universe)
    results = [evaluate_sets(child, sets, universe) for child in tree[1]]
    if kind == "and":
        return set.intersection(*results)
    return set.union(*results)


def is_valid_code(code):
    """A code is a word that is not a keyword of the language."""
    return bool(code and CODE_PATTERN.fullmatch(code) and code.lower() not in KEYWORDS)
