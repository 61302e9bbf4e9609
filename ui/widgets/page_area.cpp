#include "widgets/page_area.h"

#include <QEvent>
#include <QStackedWidget>

namespace ddpm::ui {

namespace {

/// The scroll area's widget: it holds the stack, gives it all of its own rectangle, and
/// answers the scroll area's questions (minimum size, height for a width) for the shown page
/// only. It has no layout of its own, so the scroll area reads its size policy's
/// height-for-width flag and calls heightForWidth() below.
class ShownPageHost : public QWidget {
public:
    ShownPageHost(QStackedWidget* pages, QWidget* parent)
        : QWidget(parent)
        , m_pages(pages)
    {
        m_pages->setParent(this);
        QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
        policy.setHeightForWidth(true);
        setSizePolicy(policy);
        connect(m_pages, &QStackedWidget::currentChanged, this, [this] { updateGeometry(); });
    }

    QSize sizeHint() const override
    {
        const QWidget* page = m_pages->currentWidget();
        return page ? page->sizeHint().expandedTo(minimumSizeHint()) : QSize(0, 0);
    }

    QSize minimumSizeHint() const override
    {
        const QWidget* page = m_pages->currentWidget();
        if (!page)
            return {0, 0};
        // As a layout takes a widget's minimum: its hint, unless a minimum is set explicitly.
        QSize size = page->minimumSizeHint().expandedTo(QSize(0, 0));
        if (page->minimumWidth() > 0)
            size.setWidth(page->minimumWidth());
        if (page->minimumHeight() > 0)
            size.setHeight(page->minimumHeight());
        return size;
    }

    int heightForWidth(int width) const override
    {
        const QWidget* page = m_pages->currentWidget();
        return page && page->hasHeightForWidth() ? page->heightForWidth(width) : -1;
    }

protected:
    bool event(QEvent* event) override
    {
        // The stack's layout asks for a new layout when a page's size hints change; the host
        // has no layout to take it, so it passes the request on to the scroll area.
        if (event->type() == QEvent::LayoutRequest)
            updateGeometry();
        return QWidget::event(event);
    }

    void resizeEvent(QResizeEvent* event) override
    {
        QWidget::resizeEvent(event);
        m_pages->setGeometry(rect());
    }

private:
    QStackedWidget* m_pages;
};

} // namespace

PageArea::PageArea(QWidget* parent)
    : QScrollArea(parent)
{
    m_pages = new QStackedWidget;
    m_pages->setObjectName(QStringLiteral("pages"));
    setWidget(new ShownPageHost(m_pages, this));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
}

} // namespace ddpm::ui
