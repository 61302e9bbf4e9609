// The rows of a GUI test that runs once on every page of the main window.
#pragma once

#include <QTest>

#include "main_window.h"

namespace ddpm::test {

/// For a test's _data(): column "page" (an int, a MainWindow::Page), one row per page,
/// named schedule, forward, bound, training and reverse.
inline void addPageRows()
{
    using ddpm::ui::MainWindow;
    QTest::addColumn<int>("page");
    QTest::newRow("schedule") << int(MainWindow::Schedule);
    QTest::newRow("forward") << int(MainWindow::Forward);
    QTest::newRow("bound") << int(MainWindow::Bound);
    QTest::newRow("training") << int(MainWindow::Training);
    QTest::newRow("reverse") << int(MainWindow::Reverse);
}

} // namespace ddpm::test
