// The main window's pages, one shown at a time, in a scroll area that scrolls for the page
// shown and for nothing else. A QStackedWidget put straight into a QScrollArea sizes itself by
// its largest page, hidden ones included (QStackedLayout takes the largest minimum size and
// the largest height for a width of all its pages), so one tall page made every page scroll.
// PageArea asks the shown page alone, the way QScrollArea asks its widget: the page's minimum
// size, and where its layout has a height for width (word-wrapped labels), that height at the
// viewport's width.
#pragma once

#include <QScrollArea>

class QStackedWidget;

namespace ddpm::ui {

class PageArea : public QScrollArea {
    Q_OBJECT
public:
    explicit PageArea(QWidget* parent = nullptr);

    /// The pages (object name "pages"); add them here. Its own size hints are still those of
    /// every page together: the smallest size in which no page scrolls.
    QStackedWidget* pages() const { return m_pages; }

private:
    QStackedWidget* m_pages = nullptr;
};

} // namespace ddpm::ui
