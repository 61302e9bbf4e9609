// Tests of the man page packaging/ddpm.1.in against the built `ddpm`: every command that
// `ddpm --help` lists has a section, every option of `ddpm <command> --help` is in that
// section and nothing stale is, and `ddpm --version` prints the project's version.
#include <QtTest>

#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <vector>

#include "../cli/cli_runner.h"

namespace {

/// The man page as plain text: troff's escapes for a hyphen (\-), a backslash (\e), font
/// changes (\fB, \fI, \fR, \fP), the joins (\c, \&, \~) and quotes undone, one line per
/// source line.
QStringList plainManLines(const QByteArray& troff)
{
    QString text = QString::fromUtf8(troff);
    text.replace(QStringLiteral("\\-"), QStringLiteral("-"));
    text.replace(QStringLiteral("\\e"), QStringLiteral("\\"));
    text.remove(QRegularExpression(QStringLiteral(R"(\\f[BIRP])")));
    text.remove(QRegularExpression(QStringLiteral(R"(\\[c&~])")));
    text.remove('"');
    return text.split('\n');
}

/// The man page's sections of the commands: "schedule" -> the lines from `.SS ddpm schedule`
/// up to the next section heading.
QMap<QString, QStringList> commandSections(const QStringList& lines)
{
    static const QRegularExpression heading(QStringLiteral(R"(^\.SS\s+ddpm\s+(\S+)\s*$)"));
    QMap<QString, QStringList> sections;
    QString current;
    for (const QString& line : lines) {
        if (line.startsWith(QStringLiteral(".SS")) || line.startsWith(QStringLiteral(".SH"))) {
            const QRegularExpressionMatch m = heading.match(line);
            current = m.hasMatch() ? m.captured(1) : QString();
            if (!current.isEmpty())
                sections[current] = {};
            continue;
        }
        if (!current.isEmpty())
            sections[current] << line;
    }
    return sections;
}

/// The lines of a CLI11 help block ("Options:" or "Subcommands:") up to the blank line after it.
QStringList helpBlock(const QString& help, const QString& title)
{
    const QStringList lines = help.split('\n');
    const qsizetype start = lines.indexOf(title);
    QStringList block;
    for (qsizetype i = start + 1; start >= 0 && i < lines.size() && !lines[i].trimmed().isEmpty(); ++i)
        block << lines[i];
    return block;
}

/// The commands a top-level help lists, in its order.
QStringList helpCommands(const QString& help)
{
    static const QRegularExpression row(QStringLiteral(R"(^  ([a-z][a-z0-9-]*)\s)"));
    QStringList names;
    for (const QString& line : helpBlock(help, QStringLiteral("Subcommands:"))) {
        const QRegularExpressionMatch m = row.match(line);
        if (m.hasMatch())
            names << m.captured(1);
    }
    return names;
}

/// The long options a command's help lists ("--steps", ...), from the first column only.
QStringList helpOptions(const QString& help)
{
    static const QRegularExpression row(QStringLiteral(R"(^  (-\S*))"));
    static const QRegularExpression longOption(QStringLiteral(R"(--[a-z0-9][a-z0-9-]*)"));
    QStringList options;
    for (const QString& line : helpBlock(help, QStringLiteral("Options:"))) {
        const QRegularExpressionMatch m = row.match(line);
        if (!m.hasMatch())
            continue; // a description continued on its own line
        for (auto it = longOption.globalMatch(m.captured(1)); it.hasNext();)
            options << it.next().captured(0);
    }
    return options;
}

/// Whether text holds option as a whole word ("--steps" is not in "--steps-x").
bool mentions(const QString& text, const QString& option)
{
    const QRegularExpression word(QStringLiteral("(?<![A-Za-z0-9-])%1(?![A-Za-z0-9-])")
                                      .arg(QRegularExpression::escape(option)));
    return word.match(text).hasMatch();
}

/// The options a section documents: the first word of each `.TP` entry's heading.
QStringList documentedOptions(const QStringList& section)
{
    static const QRegularExpression entry(QStringLiteral(R"(^\.B[IR]?\s+(--[a-z0-9][a-z0-9-]*))"));
    QStringList options;
    for (qsizetype i = 0; i + 1 < section.size(); ++i) {
        if (section[i].trimmed() != QStringLiteral(".TP"))
            continue;
        const QRegularExpressionMatch m = entry.match(section[i + 1]);
        if (m.hasMatch())
            options << m.captured(1);
    }
    return options;
}

} // namespace

class TestManPage : public QObject {
    Q_OBJECT

private:
    QStringList m_lines;                     ///< the man page, plain
    QMap<QString, QStringList> m_sections;   ///< its command sections
    ddpm::test::CliResult m_topHelp;         ///< `ddpm --help`
    ddpm::test::CliResult m_version;         ///< `ddpm --version`
    QMap<QString, ddpm::test::CliResult> m_commandHelp; ///< `ddpm <command> --help`

private Q_SLOTS:
    void initTestCase()
    {
        QFile page(QStringLiteral(DDPM_MAN_PAGE));
        QVERIFY2(page.open(QIODevice::ReadOnly), qPrintable(page.fileName()));
        m_lines = plainManLines(page.readAll());
        m_sections = commandSections(m_lines);

        const std::vector<ddpm::test::CliResult> top =
            ddpm::test::runCliBatch({{QStringLiteral("--help")}, {QStringLiteral("--version")}});
        m_topHelp = top[0];
        m_version = top[1];
        QVERIFY2(m_topHelp.exitCode == 0, qPrintable(m_topHelp.describe()));

        ddpm::test::CliRuns runs;
        for (const QString& command : helpCommands(m_topHelp.out))
            runs.add(command, {command, QStringLiteral("--help")});
        m_commandHelp = runs.runAll();
    }

    void helpListsCommands()
    {
        // The parsing below found the commands at all (a changed help layout fails here).
        const QStringList commands = helpCommands(m_topHelp.out);
        QVERIFY2(commands.contains(QStringLiteral("schedule")) && commands.contains(QStringLiteral("sample")),
                 qPrintable(m_topHelp.out));
    }

    void everyCommandHasASection()
    {
        for (const QString& command : helpCommands(m_topHelp.out))
            QVERIFY2(m_sections.contains(command),
                     qPrintable(QStringLiteral("`ddpm --help` lists '%1' but packaging/ddpm.1.in has no "
                                               "'.SS ddpm %1' section: document it there")
                                    .arg(command)));
    }

    void noSectionOfAnUnknownCommand()
    {
        const QStringList commands = helpCommands(m_topHelp.out);
        for (auto it = m_sections.cbegin(); it != m_sections.cend(); ++it)
            QVERIFY2(commands.contains(it.key()),
                     qPrintable(QStringLiteral("packaging/ddpm.1.in documents 'ddpm %1', which `ddpm --help` "
                                               "does not list")
                                    .arg(it.key())));
    }

    void everyOptionIsDocumented_data()
    {
        QTest::addColumn<QString>("command");
        for (const QString& command : helpCommands(m_topHelp.out))
            QTest::newRow(qPrintable(command)) << command;
    }

    void everyOptionIsDocumented()
    {
        QFETCH(QString, command);
        const ddpm::test::CliResult& help = m_commandHelp[command];
        QVERIFY2(help.exitCode == 0, qPrintable(help.describe()));
        const QStringList options = helpOptions(help.out);
        QVERIFY2(options.contains(QStringLiteral("--help")), qPrintable(help.out));
        const QString section = m_sections.value(command).join('\n');
        QVERIFY2(!section.isEmpty(), qPrintable(command));
        for (const QString& option : options) {
            if (option == QStringLiteral("--help"))
                continue; // documented once, under OPTIONS
            QVERIFY2(mentions(section, option),
                     qPrintable(QStringLiteral("`ddpm %1 --help` lists %2, which the '.SS ddpm %1' section of "
                                               "packaging/ddpm.1.in does not document")
                                    .arg(command, option)));
        }
        // And nothing stale: every option the section documents is a real one.
        for (const QString& option : documentedOptions(m_sections.value(command)))
            QVERIFY2(options.contains(option),
                     qPrintable(QStringLiteral("packaging/ddpm.1.in documents %2 for 'ddpm %1', which its help "
                                               "does not list")
                                    .arg(command, option)));
    }

    void topLevelOptionsAreDocumented()
    {
        const QStringList options = helpOptions(m_topHelp.out);
        QVERIFY2(options.contains(QStringLiteral("--version")), qPrintable(m_topHelp.out));
        const QString page = m_lines.join('\n');
        for (const QString& option : options)
            QVERIFY2(mentions(page, option), qPrintable(option));
    }

    void versionIsTheProjects()
    {
        QVERIFY2(m_version.exitCode == 0, qPrintable(m_version.describe()));
        QCOMPARE(m_version.out, QStringLiteral("ddpm " DDPM_VERSION "\n"));
        QVERIFY2(m_version.err.isEmpty(), qPrintable(m_version.err));
    }

    void configuredPageNamesTheVersion()
    {
        // CMake fills the version into the page it installs.
        QFile built(QStringLiteral(DDPM_MAN_PAGE_BUILT));
        QVERIFY2(built.open(QIODevice::ReadOnly), qPrintable(built.fileName()));
        const QStringList lines = plainManLines(built.readAll());
        const auto th = std::find_if(lines.cbegin(), lines.cend(),
                                     [](const QString& l) { return l.startsWith(QStringLiteral(".TH DDPM 1 ")); });
        QVERIFY2(th != lines.cend(), "no .TH DDPM 1 line");
        QVERIFY2(th->contains(QStringLiteral("DDPM Studio " DDPM_VERSION)), qPrintable(*th));
    }
};

QTEST_GUILESS_MAIN(TestManPage)
#include "test_man_page.moc"
