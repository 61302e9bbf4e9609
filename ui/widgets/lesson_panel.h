// A page's "what am I looking at" panel: a title bar that opens and closes it, over a short
// text that ties the picture to the equations of Ho, Jain and Abbeel (2020) it shows, by their
// numbers, for a student who knows Gaussians but not diffusion. The text is Markdown bundled
// in the resources (:/lessons/NAME.md; its first line, a "# " heading, is the title). Whether
// it is open is remembered per lesson in QSettings (lessons/NAME/collapsed), saved at once.
//
// Adding one to a page is one line: layout->addWidget(new LessonPanel(QStringLiteral("NAME"), this));
#pragma once

#include <QFrame>
#include <QString>

class QLabel;
class QTextBrowser;
class QToolButton;

namespace ddpm::ui {

class LessonPanel : public QFrame {
    Q_OBJECT
public:
    /// `lesson`: the resource's base name (schedule, forward, bound, training, reverse). The
    /// panel starts open unless the settings say it was closed.
    explicit LessonPanel(const QString& lesson, QWidget* parent = nullptr);

    /// The resource a lesson's text is read from: ":/lessons/NAME.md".
    static QString resourcePath(const QString& lesson);
    /// The settings key of a lesson's open or closed state.
    static QString settingsKey(const QString& lesson);

    QString lesson() const { return m_lesson; }
    /// The title shown in the bar (the text's heading).
    QString title() const { return m_title; }
    /// The Markdown under the heading, as shown.
    QString markdown() const { return m_markdown; }
    /// What the reader sees, as plain text.
    QString plainText() const;

    bool isCollapsed() const { return m_collapsed; }
    /// Opens or closes the panel and saves the state at once.
    void setCollapsed(bool collapsed);

    /// The title bar's arrow button, and its title ("What am I looking at? " and the heading).
    QToolButton* toggleButton() const { return m_toggle; }
    /// No width of its own: a narrow page squeezes the panel rather than growing for it.
    QSize minimumSizeHint() const override;
    /// The narrowest width its text still reads well at (about kReadableColumns characters of
    /// its font, so it grows with presentation mode's): a page that cannot give the panel this
    /// much beside other widgets should put it in a row of its own.
    int readableWidth() const;
    static constexpr int kReadableColumns = 32;
    QLabel* titleLabel() const { return m_titleLabel; }
    QTextBrowser* browser() const { return m_browser; }

Q_SIGNALS:
    void collapsedChanged(bool collapsed);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    void load();
    /// Shows the panel open or closed, without saving.
    void showCollapsed(bool collapsed);
    void fitHeight();

    QString m_lesson;
    QString m_title;
    QString m_markdown;
    bool m_collapsed = false;
    QToolButton* m_toggle = nullptr;
    QLabel* m_titleLabel = nullptr;
    QTextBrowser* m_browser = nullptr;
};

} // namespace ddpm::ui
