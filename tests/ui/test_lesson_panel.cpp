// The lesson panels, offscreen: a panel opens and closes from its title bar and remembers it
// (QSettings, per lesson); every bundled lesson has a title and a text naming the paper's
// equations by number; the Schedule, Forward, Bound and Training pages each show theirs.
#include <QLabel>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTextBrowser>
#include <QToolButton>
#include <QtTest>

#include "main_window.h"
#include "pages/bound_page.h"
#include "pages/forward_page.h"
#include "pages/reverse_page.h"
#include "pages/schedule_page.h"
#include "pages/training_page.h"
#include "ui_test_support.h"
#include "widgets/lesson_panel.h"

using ddpm::ui::LessonPanel;
using ddpm::ui::MainWindow;

namespace {

/// "Eq. 4", "Eqs. 6–7": an equation of the paper by its number.
const QRegularExpression kEquationNumber(QStringLiteral("Eqs?\\. \\d+"));

} // namespace

class TestLessonPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_lesson_panel")); }
    void init()
    {
        QSettings().clear();
        QSettings().sync();
    }

    void collapsesAndRemembers()
    {
        {
            LessonPanel panel(QStringLiteral("forward"));
            QVERIFY(!panel.isCollapsed()); // open on a first start
            QVERIFY(!panel.browser()->isHidden());
            QSignalSpy spy(&panel, &LessonPanel::collapsedChanged);
            QTest::mouseClick(panel.toggleButton(), Qt::LeftButton);
            QVERIFY(panel.isCollapsed());
            QVERIFY(panel.browser()->isHidden());
            QCOMPARE(spy.count(), 1);
            QCOMPARE(spy.at(0).at(0).toBool(), true);
            // Saved at once, under the lesson's own key.
            QCOMPARE(QSettings().value(LessonPanel::settingsKey(QStringLiteral("forward"))).toBool(), true);
        }
        {
            LessonPanel again(QStringLiteral("forward"));
            QVERIFY(again.isCollapsed());
            QVERIFY(again.browser()->isHidden());
            // Another lesson keeps its own state.
            LessonPanel other(QStringLiteral("bound"));
            QVERIFY(!other.isCollapsed());
            QTest::mouseClick(again.titleLabel(), Qt::LeftButton); // the title opens it too
            QVERIFY(!again.isCollapsed());
            QVERIFY(!again.browser()->isHidden());
        }
        LessonPanel third(QStringLiteral("forward"));
        QVERIFY(!third.isCollapsed());
        QCOMPARE(QSettings().value(LessonPanel::settingsKey(QStringLiteral("forward"))).toBool(), false);
    }

    void everyLessonIsBundled_data()
    {
        QTest::addColumn<QString>("lesson");
        for (const char* name : {"schedule", "forward", "bound", "training", "reverse"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void everyLessonIsBundled()
    {
        QFETCH(QString, lesson);
        QVERIFY(QFile::exists(LessonPanel::resourcePath(lesson)));
        LessonPanel panel(lesson);
        QVERIFY(!panel.title().isEmpty());
        QVERIFY2(panel.titleLabel()->text().contains(panel.title()), qPrintable(panel.titleLabel()->text()));
        const QString text = panel.plainText();
        QVERIFY(text.size() > 200);
        QVERIFY2(text.contains(kEquationNumber), qPrintable(text));
        // Rendered, not shown as Markdown source: no ** left.
        QVERIFY(!text.contains(QStringLiteral("**")));
        QVERIFY(!text.contains(QStringLiteral("No lesson text")));
    }

    void missingLessonSaysSo()
    {
        LessonPanel panel(QStringLiteral("no-such-page"));
        QVERIFY(panel.plainText().contains(QStringLiteral("No lesson text")));
    }

    void everyPageShowsItsLesson()
    {
        MainWindow window;
        const QList<QPair<QWidget*, QString>> pages = {
            {window.schedulePage(), QStringLiteral("schedule")},
            {window.forwardPage(), QStringLiteral("forward")},
            {window.boundPage(), QStringLiteral("bound")},
            {window.trainingPage(), QStringLiteral("training")},
            {window.reversePage(), QStringLiteral("reverse")},
        };
        for (const auto& [page, lesson] : pages) {
            const auto panels = page->findChildren<LessonPanel*>();
            QCOMPARE(panels.size(), 1);
            QCOMPARE(panels.front()->lesson(), lesson);
            QVERIFY(!panels.front()->plainText().isEmpty());
            QVERIFY(panels.front()->plainText().contains(kEquationNumber));
        }
    }
};

QTEST_MAIN(TestLessonPanel)
#include "test_lesson_panel.moc"
