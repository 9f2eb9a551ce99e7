"""The contacts of the files given to ``rolodex import``, read as the import consumes them.

A vCard file is read one card at a time (``VCardFile``): the card is parsed, mapped, written
and dropped before the next one is read, so importing 100,000 cards holds one card's
objects, not all of them (over a gigabyte); a CSV file one row at a time (``CsvFile``);
an LDIF file one record at a time, after a first pass for its lists (``LdifFile``).
What is handed out, and in which order, is what reading everything first gave: the same
items, the same problems.
"""

from __future__ import annotations

from collections.abc import Iterator

from rolodex.formats.incoming import Item, Problem, sniff_format


class ContactFiles:
    """Items of one or more files, in file order; ``problems`` fills up as they are read.

    Whatever would stop the reading with a FileError (bytes that are not text in the
    expected encoding) is raised here, when the files are opened, before anything is
    written: as when every file was read before the import started.
    """

    def __init__(self, sources: list[tuple[str, bytes]], *, kind: str | None = None,
                 encoding: str | None = None, mapping: dict[str, str] | None = None,
                 delimiter: str | None = None) -> None:
        from rolodex.formats.vcard_file import VCardFile

        self.problems: list[Problem] = []
        self._files: list[tuple[str, object]] = []
        self._scanned = False
        for name, data in sources:
            found = kind or sniff_format(name, data)
            if found == "ldif":
                from rolodex.formats.ldif import LdifFile

                self._files.append((name, LdifFile(data, source=name, encoding=encoding)))
            elif found == "vcard":
                vcf = VCardFile(data, source=name, encoding=encoding)
                vcf.check()  # reads the file once, only when it is not UTF-8 throughout
                self._files.append((name, vcf))
            else:
                from rolodex.formats.contacts_csv import CsvFile

                self._files.append((name, CsvFile(data, source=name, encoding=encoding,
                                                  mapping=mapping, delimiter=delimiter)))

    @property
    def expected(self) -> int:
        """About how many items there are (a progress bar's total): the cards begun, the
        rows of data, whether or not they can be read."""
        return sum(found.expected for _, found in self._files)

    def __iter__(self) -> Iterator[Item]:
        problems = [] if self._scanned else self.problems
        yield from self._items(problems)

    def scan(self) -> list[Problem]:
        """Read everything once, keeping nothing: ``problems`` is complete afterwards
        (``--strict`` must know of any before it writes anything)."""
        if not self._scanned:
            for _ in self._items(self.problems):
                pass
            self._scanned = True
        return self.problems

    def empty(self) -> bool:
        """Whether the files hold neither an item nor a problem."""
        if self.problems:
            return False
        problems: list[Problem] = []
        for _ in self._items(problems):
            return False
        return not problems

    def _items(self, problems: list[Problem]) -> Iterator[Item]:
        from rolodex.formats.incoming_text import clean_contact
        from rolodex.formats.ldif import LdifFile
        from rolodex.formats.vcard import to_contact
        from rolodex.formats.vcard_file import VCardFile
        from rolodex.formats.vcard_props import CardError

        for name, found in self._files:
            if isinstance(found, VCardFile):
                nobody: list[Problem] = []  # listed after the file's unreadable cards
                for card in found:
                    if type(card) is CardError:
                        problems.append(Problem(card.source, card.index, card.line,
                                                card.reason))
                        continue
                    contact = to_contact(card)
                    if contact is None:
                        nobody.append(Problem(name, card.index, card.line,
                                              "the card names nobody"))
                    else:
                        yield Item(clean_contact(contact), name, card.index, card.line)
                problems.extend(nobody)
            elif isinstance(found, LdifFile):
                for record, read in found:
                    if isinstance(read, Problem):
                        problems.append(read)
                    else:
                        yield Item(clean_contact(read), name, record.index, record.line)
            else:
                from rolodex.formats.contacts_csv import RowError

                n = 0
                for row in found:
                    if type(row) is RowError:
                        problems.append(Problem(row.source, row.row, row.row, row.reason))
                    else:
                        n += 1
                        yield Item(clean_contact(row), name, n, n)
