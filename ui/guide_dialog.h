// Help › User guide: docs/USER_GUIDE.md inside the app, bundled in the resources
// (qrc:/docs/USER_GUIDE.md, with the screenshots it shows under qrc:/docs/screenshots/) and
// rendered by QTextBrowser as Markdown. Pictures wider than the window are shown shrunk to its
// width; links to web pages open in the browser. A window of its own, not modal: the guide can
// stay open beside the page it explains.
#pragma once

#include <QDialog>
#include <QHash>
#include <QSize>
#include <QUrl>

class QTextBrowser;

namespace ddpm::ui {

class GuideDialog : public QDialog {
    Q_OBJECT
public:
    /// Where the bundled guide is.
    static QUrl guideUrl();

    explicit GuideDialog(QWidget* parent = nullptr);

    QTextBrowser* browser() const { return m_browser; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void openLink(const QUrl& url);
    void fitImages();

    QTextBrowser* m_browser = nullptr;
    int m_fittedWidth = -1;
    QHash<QString, QSize> m_imageSizes; // each picture's own size, by its name in the guide
};

} // namespace ddpm::ui
