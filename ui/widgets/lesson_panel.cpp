#include "widgets/lesson_panel.h"

#include <QEvent>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QSettings>
#include <QTextBrowser>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ddpm::ui {

namespace {

/// The text shows at most this many lines, and at most this share of the page's height (but
/// three lines at least) before it scrolls, so the picture keeps the page.
constexpr int kMaxLines = 9;
constexpr int kMinLines = 3;
constexpr double kMaxPageShare = 0.16;

/// The text: as tall as it wants to be (up to the caps above) when the page has room, down to
/// nothing when it has not (the title bar stays), so a panel never sets a page's minimum size.
class LessonText : public QTextBrowser {
public:
    using QTextBrowser::QTextBrowser;

    void setPreferredHeight(int height)
    {
        if (height != m_height) {
            m_height = height;
            updateGeometry();
        }
    }
    QSize sizeHint() const override { return {QTextBrowser::sizeHint().width(), m_height}; }
    QSize minimumSizeHint() const override { return {0, 0}; }

private:
    int m_height = 0;
};

/// `a` mixed with `b`: weight 0 is `a`, 1 is `b`.
QColor mix(const QColor& a, const QColor& b, double weight)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * weight),
                            float(a.greenF() + (b.greenF() - a.greenF()) * weight),
                            float(a.blueF() + (b.blueF() - a.blueF()) * weight));
}

} // namespace

QString LessonPanel::resourcePath(const QString& lesson)
{
    return QStringLiteral(":/lessons/%1.md").arg(lesson);
}

QString LessonPanel::settingsKey(const QString& lesson)
{
    return QStringLiteral("lessons/%1/collapsed").arg(lesson);
}

LessonPanel::LessonPanel(const QString& lesson, QWidget* parent)
    : QFrame(parent)
    , m_lesson(lesson)
{
    setObjectName(QStringLiteral("lessonPanel"));
    // The title bar: an arrow button and the title beside it, which wraps in a narrow panel
    // (a tool button's own text would be cut off); a click on either opens or closes.
    m_toggle = new QToolButton(this);
    m_toggle->setObjectName(QStringLiteral("lessonToggle"));
    m_toggle->setAutoRaise(true);
    m_titleLabel = new QLabel(this);
    m_titleLabel->setObjectName(QStringLiteral("lessonTitle"));
    m_titleLabel->setWordWrap(true);
    m_titleLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_titleLabel->setCursor(Qt::PointingHandCursor);
    m_titleLabel->installEventFilter(this);
    QFont bold = m_titleLabel->font(); // only the weight is set: the size follows the application font
    bold.setBold(true);
    m_titleLabel->setFont(bold);

    m_browser = new LessonText(this);
    m_browser->setObjectName(QStringLiteral("lessonText"));
    m_browser->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Maximum);
    m_browser->setFrameShape(QFrame::NoFrame);
    m_browser->setOpenExternalLinks(true);
    m_browser->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // The page keeps the keyboard (the Forward page's Space plays t); the mouse still selects.
    m_browser->setFocusPolicy(Qt::NoFocus);
    m_browser->viewport()->setAutoFillBackground(false); // the panel's tint shows through
    m_browser->viewport()->installEventFilter(this);
    if (parent)
        parent->installEventFilter(this); // a shorter page gets a shorter text

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 4);
    layout->setSpacing(0);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->setSpacing(2);
    bar->addWidget(m_toggle, 0, Qt::AlignTop);
    bar->addWidget(m_titleLabel, 1);
    layout->addLayout(bar);
    layout->addWidget(m_browser);

    connect(m_toggle, &QToolButton::clicked, this, [this] { setCollapsed(!m_collapsed); });
    load();
    showCollapsed(QSettings().value(settingsKey(m_lesson), false).toBool());
}

void LessonPanel::load()
{
    QFile file(resourcePath(m_lesson));
    QString text;
    if (file.open(QIODevice::ReadOnly | QIODevice::Text))
        text = QString::fromUtf8(file.readAll());
    // The first line is the title ("# ..."); the rest is the body.
    const int end = text.indexOf(QLatin1Char('\n'));
    const QString first = (end < 0 ? text : text.left(end)).trimmed();
    if (first.startsWith(QLatin1Char('#'))) {
        m_title = first.mid(first.indexOf(QLatin1Char(' ')) + 1).trimmed();
        m_markdown = end < 0 ? QString() : text.mid(end + 1).trimmed();
    } else {
        m_markdown = text.trimmed();
    }
    if (m_markdown.isEmpty())
        m_markdown = tr("No lesson text is bundled for “%1” (%2).").arg(m_lesson, resourcePath(m_lesson));
    m_titleLabel->setText(m_title.isEmpty() ? tr("What am I looking at?")
                                        : tr("What am I looking at? %1").arg(m_title));
    m_browser->setMarkdown(m_markdown);
}

QSize LessonPanel::minimumSizeHint() const
{
    return {0, QFrame::minimumSizeHint().height()};
}

int LessonPanel::readableWidth() const
{
    const QMargins margins = contentsMargins() + layout()->contentsMargins();
    return kReadableColumns * fontMetrics().averageCharWidth() + margins.left() + margins.right();
}

QString LessonPanel::plainText() const
{
    return m_browser->toPlainText();
}

void LessonPanel::setCollapsed(bool collapsed)
{
    if (collapsed == m_collapsed)
        return;
    showCollapsed(collapsed);
    QSettings settings;
    settings.setValue(settingsKey(m_lesson), collapsed);
    settings.sync(); // at once, as the thread setting is: a crash keeps the choice too
    Q_EMIT collapsedChanged(collapsed);
}

void LessonPanel::showCollapsed(bool collapsed)
{
    m_collapsed = collapsed;
    m_browser->setVisible(!collapsed);
    m_toggle->setArrowType(collapsed ? Qt::RightArrow : Qt::DownArrow);
    m_toggle->setToolTip(collapsed ? tr("Show what this page shows and which equations of the paper it is")
                                   : tr("Hide this explanation (it stays hidden until you open it again)"));
    m_titleLabel->setToolTip(m_toggle->toolTip());
    fitHeight();
}

void LessonPanel::paintEvent(QPaintEvent* event)
{
    // Painted, not a style sheet: a style sheet would pin the children's fonts, and
    // presentation mode must scale them. A tint of the highlight over the base colour: light
    // on a light theme, dark on a dark one.
    const QColor base = palette().color(QPalette::Base);
    const QColor highlight = palette().color(QPalette::Highlight);
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(mix(base, highlight, 0.35), 1));
    painter.setBrush(mix(base, highlight, 0.08));
    painter.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    QFrame::paintEvent(event);
}

void LessonPanel::fitHeight()
{
    if (m_collapsed || !m_browser)
        return;
    QTextDocument* document = m_browser->document();
    document->setTextWidth(m_browser->viewport()->width());
    const int frame = 2 * m_browser->frameWidth();
    const int needed = int(std::ceil(document->size().height())) + frame;
    const int line = m_browser->fontMetrics().lineSpacing();
    int lines = kMaxLines;
    if (parentWidget() && parentWidget()->height() > 0)
        lines = std::clamp(int(parentWidget()->height() * kMaxPageShare) / line, kMinLines, kMaxLines);
    const int most = lines * line + int(2 * document->documentMargin()) + frame;
    static_cast<LessonText*>(m_browser)->setPreferredHeight(std::min(needed, most));
}

bool LessonPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (m_browser && (watched == m_browser->viewport() || watched == parentWidget()) && event->type() == QEvent::Resize)
        fitHeight();
    if (watched == m_titleLabel && event->type() == QEvent::MouseButtonRelease
        && static_cast<QMouseEvent*>(event)->button() == Qt::LeftButton)
        setCollapsed(!m_collapsed);
    return QFrame::eventFilter(watched, event);
}

void LessonPanel::changeEvent(QEvent* event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        fitHeight();
}

} // namespace ddpm::ui
