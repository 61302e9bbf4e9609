#include "guide_dialog.h"

#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFile>
#include <QImage>
#include <QPixmap>
#include <QPushButton>
#include <QScreen>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFragment>
#include <QVBoxLayout>

#include <algorithm>
#include <vector>

namespace ddpm::ui {

namespace {

/// A document's image resource as an image, whichever form the loader gave it in.
QImage imageOf(const QVariant& resource)
{
    if (resource.userType() == QMetaType::QImage)
        return resource.value<QImage>();
    if (resource.userType() == QMetaType::QPixmap)
        return resource.value<QPixmap>().toImage();
    if (resource.userType() == QMetaType::QByteArray)
        return QImage::fromData(resource.toByteArray());
    return {};
}

} // namespace

QUrl GuideDialog::guideUrl()
{
    return QUrl(QStringLiteral("qrc:/docs/USER_GUIDE.md"));
}

GuideDialog::GuideDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("DDPM Studio user guide"));
    setObjectName(QStringLiteral("guideDialog"));
    m_browser = new QTextBrowser(this);
    m_browser->setObjectName(QStringLiteral("guideText"));
    m_browser->setOpenLinks(false);
    m_browser->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    connect(m_browser, &QTextBrowser::anchorClicked, this, &GuideDialog::openLink);
    connect(m_browser, &QTextBrowser::sourceChanged, this, [this] {
        m_fittedWidth = -1;
        fitImages();
    });
    m_browser->viewport()->installEventFilter(this);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* top = buttons->addButton(tr("Top"), QDialogButtonBox::ActionRole);
    top->setToolTip(tr("Back to the start of the guide"));
    connect(top, &QPushButton::clicked, this, [this] { m_browser->verticalScrollBar()->setValue(0); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_browser, 1);
    layout->addWidget(buttons);

    m_browser->setSource(guideUrl(), QTextDocument::MarkdownResource);
    if (m_browser->document()->isEmpty())
        m_browser->setPlainText(tr("The user guide is not bundled in this build (%1).").arg(guideUrl().toString()));
    // About 150 characters by 50 lines of the current font (larger in presentation mode), as
    // much of the screen as there is.
    QSize size(150 * fontMetrics().averageCharWidth(), 50 * fontMetrics().lineSpacing());
    if (const QScreen* screen = parent ? parent->screen() : this->screen())
        size = size.boundedTo(screen->availableGeometry().size() * 0.9);
    resize(size);
}

void GuideDialog::openLink(const QUrl& url)
{
    const QString scheme = url.scheme();
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https") || scheme == QLatin1String("mailto")) {
        QDesktopServices::openUrl(url);
        return;
    }
    if (url.hasFragment() && (url.path().isEmpty() || url.adjusted(QUrl::RemoveFragment) == m_browser->source())) {
        m_browser->scrollToAnchor(url.fragment());
        return;
    }
    // Another bundled document (relative links resolve against the guide's folder).
    const QUrl resolved = m_browser->source().resolved(url);
    if (resolved.scheme() == QLatin1String("qrc") && QFile::exists(QLatin1Char(':') + resolved.path()))
        m_browser->setSource(resolved, QTextDocument::MarkdownResource);
}

void GuideDialog::fitImages()
{
    // Room for a picture: the text's width inside the document's margins.
    QTextDocument* document = m_browser->document();
    // (a little more than the margins: the frame around the text and rounding).
    const int width = m_browser->viewport()->width() - int(2 * document->documentMargin()) - 24;
    if (width <= 0 || width == m_fittedWidth)
        return;
    m_fittedWidth = width;
    struct Fit {
        int position;
        int length;
        QTextImageFormat format;
    };
    std::vector<Fit> fits;
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (!fragment.charFormat().isImageFormat())
                continue;
            QTextImageFormat format = fragment.charFormat().toImageFormat();
            auto known = m_imageSizes.constFind(format.name());
            if (known == m_imageSizes.constEnd()) {
                const QImage image = imageOf(document->resource(QTextDocument::ImageResource, QUrl(format.name())));
                known = m_imageSizes.insert(format.name(), image.size());
            }
            const QSize natural = *known;
            if (natural.isEmpty())
                continue;
            const double scale = std::min(1.0, double(width) / natural.width());
            format.setWidth(natural.width() * scale);
            format.setHeight(natural.height() * scale);
            fits.push_back({fragment.position(), fragment.length(), format});
        }
    }
    QTextCursor cursor(document);
    for (const Fit& fit : fits) {
        cursor.setPosition(fit.position);
        cursor.setPosition(fit.position + fit.length, QTextCursor::KeepAnchor);
        cursor.setCharFormat(fit.format);
    }
}

bool GuideDialog::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_browser->viewport() && event->type() == QEvent::Resize)
        fitImages();
    return QDialog::eventFilter(watched, event);
}

} // namespace ddpm::ui
